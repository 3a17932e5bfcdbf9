using System.Globalization;

namespace Dcnet.Text;

/// <summary>Durations as designs write them: <c>300ms</c>, <c>3s</c>, <c>5m</c>, <c>12h</c>, <c>1d</c>.</summary>
public static class DurationText
{
    public const string Expected = "a duration with a unit, such as 300ms, 3s, 5m, 12h or 1d";

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        string t = text.Trim();
        int split = 0;
        while (split < t.Length && (char.IsAsciiDigit(t[split]) || t[split] == '.'))
        {
            split++;
        }

        if (split == 0 || split == t.Length
            || !decimal.TryParse(t.AsSpan(0, split), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal n))
        {
            return false;
        }

        decimal ms = t[split..] switch
        {
            "ms" => n,
            "s" => n * 1000m,
            "m" or "min" => n * 60_000m,
            "h" => n * 3_600_000m,
            "d" => n * 86_400_000m,
            _ => -1m,
        };
        if (ms < 0 || ms > 366m * 86_400_000m)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond));
        return true;
    }

    /// <summary>The shortest exact spelling: 1d, 12h, 5m, 3s or 300ms.</summary>
    public static string Format(TimeSpan t)
    {
        long ms = (long)t.TotalMilliseconds;
        if (ms != 0 && ms % 86_400_000 == 0)
        {
            return (ms / 86_400_000).ToString(CultureInfo.InvariantCulture) + "d";
        }

        if (ms != 0 && ms % 3_600_000 == 0)
        {
            return (ms / 3_600_000).ToString(CultureInfo.InvariantCulture) + "h";
        }

        if (ms != 0 && ms % 60_000 == 0)
        {
            return (ms / 60_000).ToString(CultureInfo.InvariantCulture) + "m";
        }

        if (ms % 1000 == 0)
        {
            return (ms / 1000).ToString(CultureInfo.InvariantCulture) + "s";
        }

        return ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
