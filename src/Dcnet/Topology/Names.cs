using System.Globalization;

namespace Dcnet.Topology;

/// <summary>The stable names dcnet gives to what it resolves: spine-01, leaf-03, worker-017, vm-web-0042.</summary>
public static class Names
{
    public static string Spine(int index) => "spine-" + Pad(index + 1, 2);

    public static string Leaf(int index) => "leaf-" + Pad(index + 1, 2);

    public static string Host(string group, int index) => group + "-" + Pad(index + 1, 3);

    public static string Vm(string group, int index) => "vm-" + group + "-" + Pad(index + 1, 4);

    /// <summary>Zero-pads to at least <paramref name="width"/> digits; wider numbers keep all their digits.</summary>
    public static string Pad(int number, int width) => number.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');

    /// <summary>0-based index of a leaf name within a fabric of <paramref name="leaves"/> leaves, or -1.</summary>
    public static int LeafIndex(string name, int leaves) => IndexOf(name, "leaf-", leaves, 2);

    public static int SpineIndex(string name, int spines) => IndexOf(name, "spine-", spines, 2);

    public static int HostIndex(string name, string group, int count) => IndexOf(name, group + "-", count, 3);

    private static int IndexOf(string name, string prefix, int count, int width)
    {
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return -1;
        }

        var digits = name.AsSpan(prefix.Length);
        if (digits.Length < width || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > count)
        {
            return -1;
        }

        // Only the canonical spelling names the device: leaf-3 and leaf-003 are not leaf-03.
        return Pad(n, width) == digits.ToString() ? n - 1 : -1;
    }
}
