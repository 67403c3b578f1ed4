using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace AgentAuth.Benchmarks.Infrastructure;

/// <summary>
/// A BenchmarkDotNet clock that reads the process's CPU time (<c>clock_gettime(CLOCK_PROCESS_CPUTIME_ID)</c>) instead of wall time.
/// On a shared machine other tenants' load stretches wall time unevenly between benchmarks that run one after another, which
/// breaks ratios between them; CPU time of this process (the workload thread plus the GC threads it triggers) does not
/// include time spent waiting for a core. Linux only; elsewhere <see cref="IsAvailable"/> is false.
/// </summary>
public sealed class ProcessCpuClock : IClock
{
    private const int ClockProcessCpuTimeId = 2;

    public static readonly ProcessCpuClock Instance = new();

    public string Title => "Process CPU time (CLOCK_PROCESS_CPUTIME_ID)";

    public bool IsAvailable => OperatingSystem.IsLinux();

    public Frequency Frequency => Frequency.GHz;

    public long GetTimestamp()
    {
        if (clock_gettime(ClockProcessCpuTimeId, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed.");
        }
        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int clock_gettime(int clockId, out Timespec time);
}
