using System.Globalization;
using System.Text;
using Dcnet.Design;
using Dcnet.Reporting;

namespace Dcnet.Bonding;

/// <summary>One flow's hash and the member balance-xor/802.3ad pick for it.</summary>
public readonly record struct FlowHash(uint Hash, int Member);

/// <summary>
/// <c>dcnet hash</c>: the raw transmit hash of every flow of a CSV under one policy and member count, in input order.
/// </summary>
public static class HashReport
{
    /// <summary>Hashes every row. Each row's frame is built, dissected once and hashed (see <see cref="FlowKey.Dissect"/>).</summary>
    public static IReadOnlyList<FlowHash> Run(IReadOnlyList<FlowRow> rows, XmitHashPolicy policy, int members, VlanTagging tagging = VlanTagging.Metadata)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(members);
        var keys = new FlowKey[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            keys[i] = FlowKey.Dissect(rows[i].Flow.ToBondFrame(tagging).Skb);
        }

        var hashes = new uint[keys.Length];
        TransmitHash.ComputeBatch(keys, policy, hashes);
        var result = new FlowHash[keys.Length];
        var mod = new FastMod((uint)members);
        for (int i = 0; i < keys.Length; i++)
        {
            result[i] = new FlowHash(hashes[i], (int)mod.Of(hashes[i]));
        }

        return result;
    }

    /// <summary>One line per flow: the hash as 8 hex digits, a space, the member index.</summary>
    public static string Text(IReadOnlyList<FlowHash> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var sb = new StringBuilder(hashes.Count * 14);
        foreach (var h in hashes)
        {
            sb.Append("0x").Append(h.Hash.ToString("x8", CultureInfo.InvariantCulture)).Append(' ')
              .Append(h.Member.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary><c>{ "policy", "members", "flows": [ { "hash", "member" } ] }</c>; the hash is a JSON number.</summary>
    public static string Json(IReadOnlyList<FlowHash> hashes, XmitHashPolicy policy, int members) => JsonOutput.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("policy", Tokens.Of(policy));
        w.WriteNumber("members", members);
        w.WriteStartArray("flows");
        foreach (var h in hashes)
        {
            w.WriteStartObject();
            w.WriteNumber("hash", h.Hash);
            w.WriteNumber("member", h.Member);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
