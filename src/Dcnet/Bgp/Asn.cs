using System.Globalization;

namespace Dcnet.Bgp;

/// <summary>A BGP autonomous system number (4-octet, RFC 6793).</summary>
public readonly record struct Asn(uint Value) : IComparable<Asn>
{
    /// <summary>True for the 16-bit private range 64512..65534 or the 32-bit private range (RFC 6996).</summary>
    public bool IsPrivate => Value is >= 64512 and <= 65534 or >= 4200000000 and <= 4294967294;

    public static bool TryCreate(long value, out Asn asn, out string? problem)
    {
        asn = default;
        if (value is 0 or 23456 or 65535 or 4294967295)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"AS {value} is reserved (RFC 7607, RFC 6793, RFC 7300)");
            return false;
        }

        if (value < 1 || value > uint.MaxValue)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"AS {value} is outside the 4-octet AS range");
            return false;
        }

        asn = new Asn((uint)value);
        problem = null;
        return true;
    }

    public int CompareTo(Asn other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
