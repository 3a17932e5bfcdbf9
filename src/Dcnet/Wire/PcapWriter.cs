using System.Buffers.Binary;

namespace Dcnet.Wire;

/// <summary>
/// Classic libpcap files (magic 0xa1b2c3d4, version 2.4, LINKTYPE_ETHERNET), which Wireshark and tshark open.
/// Timestamps are given by the caller, so the same trace gives the same file.
/// </summary>
public static class PcapWriter
{
    public const uint Magic = 0xA1B2C3D4;
    public const uint LinkTypeEthernet = 1;
    public const uint SnapLength = 262144;

    public static byte[] Write(IEnumerable<(byte[] Frame, long TimestampMicroseconds)> frames)
    {
        using var ms = new MemoryStream();
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], LinkTypeEthernet);
        ms.Write(header);
        Span<byte> record = stackalloc byte[16];
        foreach (var (frame, ts) in frames)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(ts / 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(ts % 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)Math.Min(frame.Length, SnapLength));
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)frame.Length);
            ms.Write(record);
            ms.Write(frame.AsSpan(0, (int)Math.Min(frame.Length, SnapLength)));
        }

        return ms.ToArray();
    }

    /// <summary>Reads the frames back (for tests).</summary>
    public static IReadOnlyList<byte[]> Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < 24 || BinaryPrimitives.ReadUInt32LittleEndian(file) != Magic)
        {
            throw new FormatException("not a little-endian classic pcap file");
        }

        var list = new List<byte[]>();
        int at = 24;
        while (at + 16 <= file.Length)
        {
            int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(file[(at + 8)..]);
            at += 16;
            list.Add(file.Slice(at, len).ToArray());
            at += len;
        }

        return list;
    }
}
