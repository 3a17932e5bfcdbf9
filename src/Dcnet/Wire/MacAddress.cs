using System.Buffers.Binary;
using System.Globalization;

namespace Dcnet.Wire;

/// <summary>An IEEE 802 MAC-48 address, kept as the 48-bit value.</summary>
public readonly record struct MacAddress(ulong Value) : IComparable<MacAddress>
{
    /// <summary>ff:ff:ff:ff:ff:ff.</summary>
    public static readonly MacAddress Broadcast = new(0xFFFF_FFFF_FFFFUL);

    /// <summary>True when the U/L bit (bit 1 of the first octet) marks a locally administered address.</summary>
    public bool IsLocallyAdministered => ((Value >> 40) & 0x02) != 0;

    /// <summary>True when the I/G bit (bit 0 of the first octet) marks a group (multicast) address.</summary>
    public bool IsMulticast => ((Value >> 40) & 0x01) != 0;

    /// <summary>Builds a locally administered unicast address from a 16-bit prefix and a 32-bit index.</summary>
    public static MacAddress LocallyAdministered(ushort prefix, uint index)
    {
        ulong first = (ulong)((prefix | 0x0200) & ~0x0100) << 32;
        return new MacAddress(first | index);
    }

    public void WriteTo(Span<byte> destination)
    {
        Span<byte> tmp = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(tmp, Value);
        tmp[2..].CopyTo(destination);
    }

    public static MacAddress Read(ReadOnlySpan<byte> source)
    {
        ulong v = 0;
        for (int i = 0; i < 6; i++)
        {
            v = (v << 8) | source[i];
        }

        return new MacAddress(v);
    }

    public byte this[int octet] => (byte)(Value >> (8 * (5 - octet)));

    public static bool TryParse(string? text, out MacAddress mac)
    {
        mac = default;
        if (text is null || text.Length != 17)
        {
            return false;
        }

        ulong v = 0;
        for (int i = 0; i < 6; i++)
        {
            if (i > 0 && text[(i * 3) - 1] != ':' && text[(i * 3) - 1] != '-')
            {
                return false;
            }

            if (!byte.TryParse(text.AsSpan(i * 3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
            {
                return false;
            }

            v = (v << 8) | b;
        }

        mac = new MacAddress(v);
        return true;
    }

    public static MacAddress Parse(string text) =>
        TryParse(text, out var mac) ? mac : throw new FormatException($"'{text}' is not a MAC address (expected aa:bb:cc:dd:ee:ff)");

    public int CompareTo(MacAddress other) => Value.CompareTo(other.Value);

    public override string ToString() => string.Create(17, Value, static (span, v) =>
    {
        const string hex = "0123456789abcdef";
        for (int i = 0; i < 6; i++)
        {
            byte b = (byte)(v >> (8 * (5 - i)));
            span[i * 3] = hex[b >> 4];
            span[(i * 3) + 1] = hex[b & 0xF];
            if (i < 5)
            {
                span[(i * 3) + 2] = ':';
            }
        }
    });
}
