using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dcnet.Design;
using Dcnet.Wire;

namespace Dcnet.Bonding;

/// <summary>One data row of a flow CSV: the flow and where it was written.</summary>
public sealed record FlowRow(FlowSpec Flow, SourceLocation Location);

/// <summary>
/// Reads flows from CSV in the format <c>dcnet hash</c> and kernel-lab share: a header that starts with
/// <c>src_mac,dst_mac,vlan,src_ip,dst_ip,proto,src_port,dst_port</c>, optionally followed by <c>frag</c>,
/// <c>inner</c>, <c>vni</c> and <c>hex</c> in any order. Empty lines and lines starting with <c>#</c> are skipped.
/// Every error is collected with its line and column and thrown together as a <see cref="DesignException"/>.
/// </summary>
public static class FlowCsv
{
    public static readonly IReadOnlyList<string> RequiredColumns = ["src_mac", "dst_mac", "vlan", "src_ip", "dst_ip", "proto", "src_port", "dst_port"];

    public static readonly IReadOnlyList<string> OptionalColumns = ["frag", "inner", "vni", "hex"];

    public const string Header = "src_mac,dst_mac,vlan,src_ip,dst_ip,proto,src_port,dst_port";

    /// <summary>Reads a file, or standard input when <paramref name="path"/> is <c>-</c>.</summary>
    public static IReadOnlyList<FlowRow> Load(string path, TextReader? stdin = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = path == "-" ? (stdin ?? Console.In).ReadToEnd() : File.ReadAllText(path);
        return Parse(text, path == "-" ? "<stdin>" : path);
    }

    public static IReadOnlyList<FlowRow> Parse(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<DesignError>();
        var rows = new List<FlowRow>();
        string[] lines = text.Split('\n');
        int[]? map = null;
        int columns = 0;
        for (int ln = 0; ln < lines.Length; ln++)
        {
            string line = lines[ln].TrimEnd('\r');
            if (line.Trim().Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] cells = line.Split(',');
            if (map is null)
            {
                map = ReadHeader(cells, file, ln + 1, errors);
                columns = cells.Length;
                if (map is null)
                {
                    break;
                }

                continue;
            }

            var at = new SourceLocation(file, ln + 1, 1);
            if (cells.Length != columns)
            {
                errors.Add(new DesignError(at, string.Create(CultureInfo.InvariantCulture, $"row has {cells.Length} fields, the header has {columns}"), "one field per header column, no quoting"));
                continue;
            }

            var values = new Cell[Column.Count];
            int col = 1;
            for (int c = 0; c < cells.Length; c++)
            {
                values[map[c]] = new Cell(cells[c].Trim(), new SourceLocation(file, ln + 1, col));
                col += cells[c].Length + 1;
            }

            for (int c = 0; c < values.Length; c++)
            {
                values[c] ??= new Cell("", at);
            }

            if (ParseRow(values, errors, nested: false) is { } flow)
            {
                rows.Add(new FlowRow(flow, at));
            }
        }

        if (map is null && errors.Count == 0)
        {
            errors.Add(new DesignError(SourceLocation.StartOf(file), "no header line", "a first line '" + Header + "'"));
        }

        if (errors.Count > 0)
        {
            throw new DesignException(errors);
        }

        return rows;
    }

    private static int[]? ReadHeader(string[] cells, string file, int line, List<DesignError> errors)
    {
        var map = new int[cells.Length];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int col = 1;
        for (int c = 0; c < cells.Length; c++)
        {
            string name = cells[c].Trim();
            var at = new SourceLocation(file, line, col);
            col += cells[c].Length + 1;
            if (c < RequiredColumns.Count)
            {
                if (name != RequiredColumns[c])
                {
                    errors.Add(new DesignError(at, $"header column {c + 1} is '{name}'", $"the header to start with '{Header}'"));
                    return null;
                }

                map[c] = c;
                continue;
            }

            int opt = OptionalColumns.ToList().IndexOf(name);
            if (opt < 0)
            {
                errors.Add(new DesignError(at, $"unknown column '{name}'", "frag, inner, vni or hex after the first eight columns"));
                return null;
            }

            if (!seen.Add(name))
            {
                errors.Add(new DesignError(at, $"column '{name}' appears twice", "each column once"));
                return null;
            }

            map[c] = RequiredColumns.Count + opt;
        }

        if (cells.Length < RequiredColumns.Count)
        {
            errors.Add(new DesignError(new SourceLocation(file, line, 1), $"the header has {cells.Length} columns", $"at least '{Header}'"));
            return null;
        }

        return map;
    }

    private static FlowSpec? ParseRow(Cell[] v, List<DesignError> errors, bool nested)
    {
        int before = errors.Count;
        void Bad(Cell c, string message, string expected) => errors.Add(new DesignError(c.At, message, expected));

        var hex = v[Column.Hex];
        if (hex.Text.Length > 0)
        {
            for (int c = 0; c < Column.Hex; c++)
            {
                if (v[c].Text.Length > 0 && !(c == Column.Frag && v[c].Text == "0"))
                {
                    Bad(v[c], $"'{Column.Names[c]}' must be empty when 'hex' is given", "an empty cell");
                }
            }

            string h = hex.Text.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
            byte[]? raw = null;
            try
            {
                raw = Convert.FromHexString(h);
            }
            catch (FormatException)
            {
                Bad(hex, "hex is not an even-length string of hex digits", "the whole frame as hex, e.g. 020000000002020000000001...");
            }

            if (raw is not null && raw.Length < 14)
            {
                Bad(hex, string.Create(CultureInfo.InvariantCulture, $"the frame is {raw.Length} bytes long"), "at least an Ethernet header (14 bytes)");
            }

            return errors.Count == before ? new FlowSpec { Raw = raw } : null;
        }

        var src = ParseMac(v[Column.SrcMac], FlowSpec.DefaultSourceMac, errors);
        var dst = ParseMac(v[Column.DstMac], FlowSpec.DefaultDestinationMac, errors);
        ushort? vlan = null;
        if (v[Column.Vlan].Text.Length > 0)
        {
            if (ushort.TryParse(v[Column.Vlan].Text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort vid) && vid <= 4094)
            {
                vlan = vid;
            }
            else
            {
                Bad(v[Column.Vlan], $"vlan '{v[Column.Vlan].Text}' is not a VLAN id", "0 to 4094, or empty for an untagged frame");
            }
        }

        IPAddress? sip = ParseIp(v[Column.SrcIp], errors), dip = ParseIp(v[Column.DstIp], errors);
        bool ip = v[Column.SrcIp].Text.Length > 0 || v[Column.DstIp].Text.Length > 0;
        if (ip && (v[Column.SrcIp].Text.Length == 0 || v[Column.DstIp].Text.Length == 0))
        {
            Bad(v[v[Column.SrcIp].Text.Length == 0 ? Column.SrcIp : Column.DstIp], "only one of src_ip and dst_ip is given", "both addresses (an IP row) or neither (a non-IP row)");
        }
        else if (sip is not null && dip is not null && sip.AddressFamily != dip.AddressFamily)
        {
            Bad(v[Column.DstIp], "src_ip and dst_ip are of different address families", "two IPv4 or two IPv6 addresses");
        }

        var protoCell = v[Column.Proto];
        string proto = protoCell.Text.ToLowerInvariant();
        byte protocol = 0;
        ushort etherType = FlowSpec.LocalExperimentalEtherType;
        if (!ip)
        {
            if (proto.StartsWith("0x", StringComparison.Ordinal)
                && ushort.TryParse(proto.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort et) && proto.Length <= 6)
            {
                etherType = et;
            }
            else if (proto.Length > 0)
            {
                Bad(protoCell, $"proto '{protoCell.Text}' on a row without addresses", "empty, or an EtherType such as 0x0806");
            }
        }
        else
        {
            switch (proto)
            {
                case "tcp": protocol = 6; break;
                case "udp": protocol = 17; break;
                case "icmp": protocol = 1; break;
                case "icmpv6": protocol = 58; break;
                default:
                    if (!byte.TryParse(proto, NumberStyles.None, CultureInfo.InvariantCulture, out protocol))
                    {
                        Bad(protoCell, proto.Length == 0 ? "proto is empty on an IP row" : $"proto '{protoCell.Text}' is not a protocol", "tcp, udp, icmp, icmpv6 or a number 0..255");
                    }

                    break;
            }
        }

        ushort? sport = ParsePort(v[Column.SrcPort], errors), dport = ParsePort(v[Column.DstPort], errors);
        bool frag = false;
        switch (v[Column.Frag].Text)
        {
            case "" or "0": break;
            case "1": frag = true; break;
            default: Bad(v[Column.Frag], $"frag '{v[Column.Frag].Text}'", "0, 1 or empty"); break;
        }

        if (ip && !frag && protocol is 6 or 17 && (sport is null || dport is null))
        {
            Bad(v[sport is null ? Column.SrcPort : Column.DstPort], "tcp and udp rows need both ports", "a port number 0..65535");
        }
        else if (!ip && (sport is not null || dport is not null || frag))
        {
            Bad(v[sport is not null ? Column.SrcPort : dport is not null ? Column.DstPort : Column.Frag], "ports and frag belong to IP rows", "an empty cell on a row without addresses");
        }
        else if (sport is null != dport is null && !(protocol is 1 or 58))
        {
            Bad(v[sport is null ? Column.SrcPort : Column.DstPort], "only one port is given", "both ports or neither");
        }

        FlowSpec? inner = null;
        var innerCell = v[Column.Inner];
        if (innerCell.Text.Length > 0)
        {
            if (nested)
            {
                Bad(innerCell, "a tunnel inside a tunnel", "one level of inner flow");
            }
            else if (!(protocol == 17 && dport is VxlanLayer.Port or GeneveLayer.Port) || frag)
            {
                Bad(innerCell, "an inner flow needs a udp row to port 4789 (VXLAN) or 6081 (GENEVE)", "udp with dst_port 4789 or 6081");
            }
            else
            {
                string[] parts = innerCell.Text.Split('|');
                if (parts.Length is < 8 or > 9)
                {
                    Bad(innerCell, string.Create(CultureInfo.InvariantCulture, $"inner has {parts.Length} fields"), "smac|dmac|vlan|sip|dip|proto|sport|dport[|frag]");
                }
                else
                {
                    var cells = new Cell[Column.Count];
                    for (int i = 0; i < cells.Length; i++)
                    {
                        cells[i] = new Cell(i < parts.Length ? parts[i].Trim() : "", innerCell.At);
                    }

                    if (parts.Length == 8)
                    {
                        cells[Column.Frag] = new Cell("", innerCell.At);
                    }

                    inner = ParseRow(cells, errors, nested: true);
                }
            }
        }

        uint vni = 42;
        if (v[Column.Vni].Text.Length > 0)
        {
            if (!uint.TryParse(v[Column.Vni].Text, NumberStyles.None, CultureInfo.InvariantCulture, out vni) || vni > 0xFFFFFF)
            {
                Bad(v[Column.Vni], $"vni '{v[Column.Vni].Text}'", "0 to 16777215");
            }
            else if (inner is null && innerCell.Text.Length == 0)
            {
                Bad(v[Column.Vni], "vni without an inner flow", "an inner flow in the same row");
            }
        }

        if (errors.Count != before)
        {
            return null;
        }

        return new FlowSpec
        {
            SourceMac = src,
            DestinationMac = dst,
            Vlan = vlan,
            SourceIp = sip,
            DestinationIp = dip,
            Protocol = protocol,
            EtherType = etherType,
            SourcePort = sport,
            DestinationPort = dport,
            Fragment = frag,
            Inner = inner,
            Vni = vni,
        };
    }

    private static MacAddress ParseMac(Cell c, MacAddress fallback, List<DesignError> errors)
    {
        if (c.Text.Length == 0)
        {
            return fallback;
        }

        if (MacAddress.TryParse(c.Text, out var mac))
        {
            return mac;
        }

        errors.Add(new DesignError(c.At, $"'{c.Text}' is not a MAC address", "aa:bb:cc:dd:ee:ff"));
        return fallback;
    }

    private static IPAddress? ParseIp(Cell c, List<DesignError> errors)
    {
        if (c.Text.Length == 0)
        {
            return null;
        }

        // IPAddress.TryParse also takes "10" for 0.0.0.10 and scoped IPv6 addresses; accept only plain forms.
        if (IPAddress.TryParse(c.Text, out var ip)
            && ((ip.AddressFamily == AddressFamily.InterNetwork && ip.ToString() == c.Text)
                || (ip.AddressFamily == AddressFamily.InterNetworkV6 && !c.Text.Contains('%', StringComparison.Ordinal))))
        {
            return ip;
        }

        errors.Add(new DesignError(c.At, $"'{c.Text}' is not an IP address", "an IPv4 or IPv6 address"));
        return null;
    }

    private static ushort? ParsePort(Cell c, List<DesignError> errors)
    {
        if (c.Text.Length == 0)
        {
            return null;
        }

        if (ushort.TryParse(c.Text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort p))
        {
            return p;
        }

        errors.Add(new DesignError(c.At, $"'{c.Text}' is not a port", "a number 0..65535"));
        return null;
    }

    /// <summary>Writes flows back as CSV rows (the header of <see cref="Header"/> plus frag, inner, vni and hex).</summary>
    public static string Write(IEnumerable<FlowSpec> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        var sb = new System.Text.StringBuilder(Header + ",frag,inner,vni,hex\n");
        foreach (var f in flows)
        {
            if (f.Raw is not null)
            {
                sb.Append(",,,,,,,,,,,").Append(Convert.ToHexStringLower(f.Raw)).Append('\n');
                continue;
            }

            sb.Append(Fields(f, ',')).Append(',').Append(f.Fragment ? "1" : "0").Append(',');
            if (f.Inner is { } inner)
            {
                sb.Append(Fields(inner, '|')).Append(inner.Fragment ? "|1" : "").Append(',').Append(f.Vni.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(',');
            }

            sb.Append(",\n");
        }

        return sb.ToString();
    }

    private static string Fields(FlowSpec f, char sep)
    {
        string proto = !f.IsIp ? (f.EtherType == FlowSpec.LocalExperimentalEtherType ? "" : "0x" + f.EtherType.ToString("x4", CultureInfo.InvariantCulture))
            : f.Protocol switch { 6 => "tcp", 17 => "udp", 1 => "icmp", 58 => "icmpv6", _ => f.Protocol.ToString(CultureInfo.InvariantCulture) };
        return string.Join(sep,
            f.SourceMac.ToString(), f.DestinationMac.ToString(), f.Vlan?.ToString(CultureInfo.InvariantCulture) ?? "",
            f.SourceIp?.ToString() ?? "", f.DestinationIp?.ToString() ?? "", proto,
            f.SourcePort?.ToString(CultureInfo.InvariantCulture) ?? "", f.DestinationPort?.ToString(CultureInfo.InvariantCulture) ?? "");
    }

    private sealed record Cell(string Text, SourceLocation At);

    private static class Column
    {
        public const int SrcMac = 0;
        public const int DstMac = 1;
        public const int Vlan = 2;
        public const int SrcIp = 3;
        public const int DstIp = 4;
        public const int Proto = 5;
        public const int SrcPort = 6;
        public const int DstPort = 7;
        public const int Frag = 8;
        public const int Inner = 9;
        public const int Vni = 10;
        public const int Hex = 11;
        public const int Count = 12;

        public static readonly string[] Names = ["src_mac", "dst_mac", "vlan", "src_ip", "dst_ip", "proto", "src_port", "dst_port", "frag", "inner", "vni", "hex"];
    }
}
