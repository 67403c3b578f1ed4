namespace AgentAuth.Testing;

/// <summary>A <see cref="TimeProvider"/> whose clock moves only when a test says so. Timers fire on <see cref="Advance"/>.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = new();
    private DateTimeOffset _now;

    public ManualTimeProvider(DateTimeOffset start) => _now = start;

    public ManualTimeProvider(long unixSeconds) : this(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)) { }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) { return _now; }
    }

    public override long GetTimestamp()
    {
        lock (_gate) { return _now.UtcTicks; }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void SetUtcNow(DateTimeOffset value)
    {
        lock (_gate) { _now = value; }
        FireDueTimers();
    }

    public void Advance(TimeSpan delta)
    {
        lock (_gate) { _now = _now.Add(delta); }
        FireDueTimers();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void FireDueTimers()
    {
        List<ManualTimer> due = new();
        lock (_gate)
        {
            foreach (var t in _timers)
            {
                if (t.DueAt is { } at && at <= _now)
                {
                    due.Add(t);
                }
            }
        }
        foreach (var t in due)
        {
            t.Fire();
        }
    }

    private sealed class ManualTimer : ITimer
    {
        private readonly ManualTimeProvider _owner;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private TimeSpan _period;

        public ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state)
        {
            _owner = owner;
            _callback = callback;
            _state = state;
            lock (owner._gate) { owner._timers.Add(this); }
        }

        public DateTimeOffset? DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_owner._gate)
            {
                _period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : _owner._now + dueTime;
            }
            return true;
        }

        public void Fire()
        {
            lock (_owner._gate)
            {
                DueAt = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : _owner._now + _period;
            }
            _callback(_state);
        }

        public void Dispose()
        {
            lock (_owner._gate)
            {
                DueAt = null;
                _owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
