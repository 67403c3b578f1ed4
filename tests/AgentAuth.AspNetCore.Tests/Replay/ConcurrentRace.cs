namespace AgentAuth.AspNetCore.Tests.Replay;

/// <summary>
/// Runs rounds of truly simultaneous calls: dedicated threads (not thread-pool tasks, which a 2-core machine would
/// mostly run one after another) released together by a barrier for each round.
/// </summary>
internal static class ConcurrentRace
{
    /// <summary>
    /// For each round, every one of <paramref name="callers"/> threads calls <paramref name="attempt"/>(round) at once;
    /// <paramref name="afterRound"/>(round) runs alone once all have finished. Returns how many calls returned true per round.
    /// </summary>
    public static int[] Run(int rounds, int callers, Func<int, bool> attempt, Action<int>? afterRound = null)
    {
        var accepted = new int[rounds];
        var errors = new List<Exception>();
        using var start = new Barrier(callers);
        using var end = new Barrier(callers, barrier => afterRound?.Invoke((int)barrier.CurrentPhaseNumber));
        var threads = new Thread[callers];
        for (int i = 0; i < callers; i++)
        {
            threads[i] = new Thread(() =>
            {
                for (int round = 0; round < rounds; round++)
                {
                    start.SignalAndWait();
                    try
                    {
                        if (attempt(round))
                        {
                            Interlocked.Increment(ref accepted[round]);
                        }
                    }
                    catch (Exception ex)
                    {
                        lock (errors)
                        {
                            errors.Add(ex);
                        }
                    }
                    end.SignalAndWait();
                }
            })
            { IsBackground = true };
            threads[i].Start();
        }
        foreach (var thread in threads)
        {
            thread.Join();
        }
        if (errors.Count > 0)
        {
            throw new AggregateException(errors);
        }
        return accepted;
    }
}
