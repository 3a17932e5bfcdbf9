using System.Globalization;

namespace Dcnet.Wire;

/// <summary>A link speed in bits per second, written in designs as <c>25G</c>, <c>100G</c>, <c>1G</c> or <c>100M</c>.</summary>
public readonly record struct Speed(long BitsPerSecond) : IComparable<Speed>
{
    public double Gbps => BitsPerSecond / 1e9;

    public static Speed Gigabits(long g) => new(g * 1_000_000_000L);

    public static bool TryParse(string text, out Speed speed)
    {
        speed = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        string t = text.Trim();
        long unit;
        char suffix = char.ToUpperInvariant(t[^1]);
        switch (suffix)
        {
            case 'M': unit = 1_000_000L; break;
            case 'G': unit = 1_000_000_000L; break;
            case 'T': unit = 1_000_000_000_000L; break;
            default: return false;
        }

        if (!decimal.TryParse(t.AsSpan(0, t.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number)
            || number <= 0 || number > 10_000)
        {
            return false;
        }

        speed = new Speed((long)(number * unit));
        return true;
    }

    /// <summary>Time to put <paramref name="bytes"/> on the wire at this speed, in nanoseconds.</summary>
    public double SerializationNanoseconds(int bytes) => bytes * 8e9 / BitsPerSecond;

    public int CompareTo(Speed other) => BitsPerSecond.CompareTo(other.BitsPerSecond);

    public override string ToString()
    {
        if (BitsPerSecond % 1_000_000_000_000L == 0)
        {
            return (BitsPerSecond / 1_000_000_000_000L).ToString(CultureInfo.InvariantCulture) + "T";
        }

        if (BitsPerSecond % 1_000_000_000L == 0)
        {
            return (BitsPerSecond / 1_000_000_000L).ToString(CultureInfo.InvariantCulture) + "G";
        }

        if (BitsPerSecond % 1_000_000L == 0)
        {
            return (BitsPerSecond / 1_000_000L).ToString(CultureInfo.InvariantCulture) + "M";
        }

        return (BitsPerSecond / 1e9).ToString("0.###", CultureInfo.InvariantCulture) + "G";
    }
}
