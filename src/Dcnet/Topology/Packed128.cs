namespace Dcnet.Topology;

/// <summary>
/// A 128-bit unsigned number stored as two ulongs, for fields of types that start-up code reads. ReadyToRun precompiles
/// no method that touches a <see cref="UInt128"/> (its ABI changed between runtime versions), not even one that reads
/// another field of a class holding one; a field of this type keeps those methods precompiled. Only the code that
/// converts to or from <see cref="UInt128"/> is left to the JIT.
/// </summary>
internal readonly record struct Packed128(ulong High, ulong Low) : IComparable<Packed128>
{
    public static Packed128 Of(UInt128 value) => new((ulong)(value >> 64), (ulong)value);

    public UInt128 Value => new(High, Low);

    /// <summary>Unsigned order, as <see cref="UInt128.CompareTo(UInt128)"/>.</summary>
    public int CompareTo(Packed128 other) => High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);
}
