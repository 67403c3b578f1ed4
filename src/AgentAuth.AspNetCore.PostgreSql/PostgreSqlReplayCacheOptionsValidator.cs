using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentAuth.AspNetCore.PostgreSql;

/// <summary>Validates <see cref="PostgreSqlReplayCacheOptions"/> at startup with messages naming the option to fix.</summary>
internal sealed class PostgreSqlReplayCacheOptionsValidator : IValidateOptions<PostgreSqlReplayCacheOptions>
{
    internal const int MaxSchemaNameLength = 63;
    internal const int MaxTableNameLength = 48;
    internal const int MaxCleanupBatchSize = 1_000_000;

    public ValidateOptionsResult Validate(string? name, PostgreSqlReplayCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? failures = null;

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            (failures ??= []).Add("PostgreSqlReplayCacheOptions.ConnectionString is required.");
        }
        else if (!IsValidConnectionString(options.ConnectionString, out var error))
        {
            (failures ??= []).Add($"PostgreSqlReplayCacheOptions.ConnectionString is not a valid Npgsql connection string: {error}");
        }
        if (!IsIdentifier(options.SchemaName, MaxSchemaNameLength))
        {
            (failures ??= []).Add($"PostgreSqlReplayCacheOptions.SchemaName must be 1-{MaxSchemaNameLength} characters of ASCII letters, digits and '_', not starting with a digit.");
        }
        if (!IsIdentifier(options.TableName, MaxTableNameLength))
        {
            (failures ??= []).Add($"PostgreSqlReplayCacheOptions.TableName must be 1-{MaxTableNameLength} characters of ASCII letters, digits and '_', not starting with a digit.");
        }
        if (options.CommandTimeout < TimeSpan.FromSeconds(1) || options.CommandTimeout > TimeSpan.FromSeconds(int.MaxValue))
        {
            (failures ??= []).Add($"PostgreSqlReplayCacheOptions.CommandTimeout must be at least one second (was {options.CommandTimeout}).");
        }
        if (options.CleanupInterval <= TimeSpan.Zero || options.CleanupInterval == Timeout.InfiniteTimeSpan)
        {
            (failures ??= []).Add($"PostgreSqlReplayCacheOptions.CleanupInterval must be a finite duration greater than zero (was {options.CleanupInterval}).");
        }
        if (options.CleanupBatchSize < 1 || options.CleanupBatchSize > MaxCleanupBatchSize)
        {
            (failures ??= []).Add($"PostgreSqlReplayCacheOptions.CleanupBatchSize must be between 1 and {MaxCleanupBatchSize} (was {options.CleanupBatchSize}).");
        }
        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>A plain SQL identifier: quoting it then cannot change its meaning, so it is safe to splice into DDL.</summary>
    internal static bool IsIdentifier(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength || char.IsAsciiDigit(value[0]))
        {
            return false;
        }
        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsValidConnectionString(string connectionString, out string? error)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            error = null;
            return true;
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return false;
        }
    }
}
