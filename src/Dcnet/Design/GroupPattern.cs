using System.Globalization;

namespace Dcnet.Design;

/// <summary>A group name pattern: text with one <c>{n}</c> or <c>{n:0W}</c> placeholder, as in <c>app-{n:03}</c>.</summary>
public readonly record struct GroupPattern(string Prefix, string Suffix, int Width)
{
    public static bool TryParse(string text, out GroupPattern pattern, out string? problem)
    {
        pattern = default;
        int open = text.IndexOf("{n", StringComparison.Ordinal);
        int close = open < 0 ? -1 : text.IndexOf('}', open);
        if (open < 0 || close < 0)
        {
            problem = "has no {n} placeholder";
            return false;
        }

        if (text.IndexOf("{n", close, StringComparison.Ordinal) >= 0)
        {
            problem = "has more than one {n} placeholder";
            return false;
        }

        string spec = text[(open + 2)..close];
        int width = 0;
        if (spec.Length > 0)
        {
            if (spec[0] != ':' || !int.TryParse(spec.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out width) || width > 9)
            {
                problem = "has a placeholder that is neither {n} nor {n:0W}";
                return false;
            }
        }

        string prefix = text[..open], suffix = text[(close + 1)..];
        if ((prefix + suffix).AsSpan().IndexOfAny("{}") >= 0)
        {
            problem = "has a stray brace";
            return false;
        }

        pattern = new GroupPattern(prefix, suffix, width);
        problem = null;
        return true;
    }

    public string Format(int n) => Prefix + n.ToString(CultureInfo.InvariantCulture).PadLeft(Width, '0') + Suffix;
}
