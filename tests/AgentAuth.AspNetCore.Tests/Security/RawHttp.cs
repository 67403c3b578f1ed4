using System.Net.Sockets;
using System.Text;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// Sends one HTTP/1.1 request to a Kestrel host as raw bytes over TCP, so the request line can be anything a client may send
/// (absolute-form targets, encodings <see cref="HttpClient"/> would normalize), and reads the whole response.
/// </summary>
internal static class RawHttp
{
    public sealed record Response(int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
    {
        public string[] Header(string name)
        {
            var values = new List<string>();
            foreach (var (key, value) in Headers)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    values.Add(value);
                }
            }
            return values.ToArray();
        }
    }

    /// <summary>Sends <c>{method} {target} HTTP/1.1</c> with <paramref name="headers"/> (and <c>Connection: close</c>) to <paramref name="server"/>.</summary>
    public static async Task<Response> SendAsync(Uri server, string method, string target, IEnumerable<KeyValuePair<string, string>> headers, byte[]? body = null)
    {
        var text = new StringBuilder();
        text.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        foreach (var (name, value) in headers)
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        if (body is not null)
        {
            text.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }
        text.Append("Connection: close\r\n\r\n");

        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()), timeout.Token);
        if (body is not null)
        {
            await stream.WriteAsync(body, timeout.Token);
        }
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        return Parse(Encoding.UTF8.GetString(received.ToArray()));
    }

    private static Response Parse(string response)
    {
        var headerEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(headerEnd > 0, "No complete response head: " + response);
        var lines = response[..headerEnd].Split("\r\n");
        var status = lines[0].Split(' ');
        Assert.Equal("HTTP/1.1", status[0]);
        var headers = new List<KeyValuePair<string, string>>();
        for (var i = 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(lines[i][..colon], lines[i][(colon + 1)..].Trim()));
        }
        var body = response[(headerEnd + 4)..];
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                body = Unchunk(body);
            }
        }
        return new Response(int.Parse(status[1], System.Globalization.CultureInfo.InvariantCulture), headers, body);
    }

    private static string Unchunk(string body)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[position..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }
            result.Append(body, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
        return result.ToString();
    }
}
