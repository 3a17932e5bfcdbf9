using System.Collections;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Dcnet.Bgp;
using Dcnet.Reporting;
using Dcnet.Text;
using Dcnet.Vlans;
using Dcnet.Wire;

namespace Dcnet.Design;

/// <summary>
/// The design file's JSON Schema and its Markdown reference, both generated from the same attributes the binder
/// reads. Editors with the YAML language server complete and validate designs with the schema.
/// </summary>
public static class DesignSchema
{
    public const string SchemaId = "https://dcnet.dev/schemas/design-v1.schema.json";

    /// <summary>Records in reference order: depth-first from the root, each once.</summary>
    public static IReadOnlyList<Type> RecordTypes()
    {
        var order = new List<Type>();
        Visit(typeof(DesignDocument));
        return order;

        void Visit(Type t)
        {
            if (order.Contains(t))
            {
                return;
            }

            order.Add(t);
            foreach (var p in DesignBinder.RecordInfo.Of(t).Properties)
            {
                var inner = Element(p.ValueType);
                if (typeof(DesignNode).IsAssignableFrom(inner))
                {
                    Visit(inner);
                }
            }
        }
    }

    private static Type Element(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        while (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            t = t.GetGenericArguments()[0];
        }

        return Nullable.GetUnderlyingType(t) ?? t;
    }

    private static string DefName(Type t) => t.Name.EndsWith("Design", StringComparison.Ordinal) ? t.Name[..^6] : t.Name;

    public static string JsonSchema() => JsonOutput.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("$schema", "http://json-schema.org/draft-07/schema#");
        w.WriteString("$id", SchemaId);
        w.WriteString("title", "dcnet design file, version 1");
        WriteObject(w, typeof(DesignDocument));
        w.WriteStartObject("definitions");
        foreach (var t in RecordTypes().Skip(1))
        {
            w.WriteStartObject(DefName(t));
            WriteObject(w, t);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static void WriteObject(Utf8JsonWriter w, Type t)
    {
        var info = DesignBinder.RecordInfo.Of(t);
        var defaults = info.Create();
        if (t.GetCustomAttributes(typeof(DocAttribute), false).FirstOrDefault() is DocAttribute doc)
        {
            w.WriteString("description", doc.Text);
        }

        w.WriteString("type", "object");
        w.WriteBoolean("additionalProperties", false);
        var required = info.Properties.Where(p => p.Required).Select(p => p.Key).ToList();
        if (required.Count > 0)
        {
            w.WriteStartArray("required");
            foreach (var r in required)
            {
                w.WriteStringValue(r);
            }

            w.WriteEndArray();
        }

        w.WriteStartObject("properties");
        foreach (var p in info.Properties)
        {
            w.WriteStartObject(p.Key);
            if (p.Doc.Length > 0)
            {
                w.WriteString("description", p.Doc);
            }

            WriteType(w, p.ValueType, p);
            if (!p.Required && DefaultJson(p.Property.GetValue(defaults)) is { } dflt)
            {
                w.WritePropertyName("default");
                dflt(w);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteType(Utf8JsonWriter w, Type type, DesignBinder.PropInfo? p)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            w.WriteString("type", "array");
            if (p?.MaxItems is int max)
            {
                w.WriteNumber("maxItems", max);
            }

            w.WriteStartObject("items");
            WriteType(w, type.GetGenericArguments()[0], null);
            w.WriteEndObject();
            return;
        }

        if (typeof(DesignNode).IsAssignableFrom(type))
        {
            w.WriteString("$ref", "#/definitions/" + DefName(type));
            return;
        }

        if (type.IsEnum)
        {
            w.WriteString("type", "string");
            w.WriteStartArray("enum");
            foreach (var (token, _) in DesignBinder.EnumTokens.Of(type).Ordered)
            {
                w.WriteStringValue(token);
            }

            w.WriteEndArray();
            return;
        }

        switch (type.Name)
        {
            case nameof(Int32) or nameof(Int64):
                w.WriteString("type", "integer");
                if (p?.Range is { } r)
                {
                    w.WriteNumber("minimum", r.Min);
                    w.WriteNumber("maximum", r.Max);
                }

                break;
            case nameof(Boolean):
                w.WriteString("type", "boolean");
                break;
            case nameof(Mtu):
                Integer(w, Mtu.Minimum, Mtu.Maximum);
                break;
            case nameof(VlanId):
                Integer(w, VlanId.FirstUsable, VlanId.LastUsable);
                break;
            case nameof(Asn):
                Integer(w, 1, 4294967294);
                break;
            case nameof(TimeSpan):
                Pattern(w, "^[0-9]+(\\.[0-9]+)?(ms|s|m|min|h|d)$");
                break;
            case nameof(Speed):
                Pattern(w, "^[0-9]+(\\.[0-9]+)?[MGTmgt]$");
                break;
            case nameof(IPNetwork):
                Pattern(w, "^[0-9a-fA-F:.]+/[0-9]{1,3}$");
                break;
            case nameof(IPAddress):
                Pattern(w, "^[0-9a-fA-F:.]+$");
                break;
            case nameof(MacAddress):
                Pattern(w, "^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$");
                break;
            default:
                w.WriteString("type", "string");
                break;
        }
    }

    private static void Integer(Utf8JsonWriter w, long min, long max)
    {
        w.WriteString("type", "integer");
        w.WriteNumber("minimum", min);
        w.WriteNumber("maximum", max);
    }

    private static void Pattern(Utf8JsonWriter w, string pattern)
    {
        w.WriteString("type", "string");
        w.WriteString("pattern", pattern);
    }

    /// <summary>A writer for the default value, or null when the default is absent or a nested record.</summary>
    private static Action<Utf8JsonWriter>? DefaultJson(object? value)
    {
        switch (value)
        {
            case null or DesignNode:
                return null;
            case string s when s.Length == 0:
                return null;
            case string s:
                return w => w.WriteStringValue(s);
            case bool b:
                return w => w.WriteBooleanValue(b);
            case int i:
                return w => w.WriteNumberValue(i);
            case long l:
                return w => w.WriteNumberValue(l);
            case Mtu m:
                return w => w.WriteNumberValue(m.Bytes);
            case VlanId v:
                return w => w.WriteNumberValue(v.Value);
            case Asn a:
                return w => w.WriteNumberValue(a.Value);
            case TimeSpan t:
                return w => w.WriteStringValue(DurationText.Format(t));
            case Enum e:
                return w => w.WriteStringValue(DesignBinder.EnumTokens.Of(e.GetType()).ToToken[e]);
            case IEnumerable list and not string:
                var items = list.Cast<object?>().Select(DefaultJson).ToList();
                if (items.Any(x => x is null))
                {
                    return null;
                }

                return w =>
                {
                    w.WriteStartArray();
                    foreach (var item in items)
                    {
                        item!(w);
                    }

                    w.WriteEndArray();
                };
            default:
                string text = Convert.ToString(value, CultureInfo.InvariantCulture)!;
                return w => w.WriteStringValue(text);
        }
    }

    /// <summary>Default value as YAML-ish text for the reference ('—' when none).</summary>
    private static string DefaultText(object? value) => value switch
    {
        null => "—",
        DesignNode => "(see below)",
        string s when s.Length == 0 => "—",
        string s => s,
        bool b => b ? "true" : "false",
        TimeSpan t => DurationText.Format(t),
        Enum e => DesignBinder.EnumTokens.Of(e.GetType()).ToToken[e],
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(DefaultText)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "—",
    };

    /// <summary>The body of docs/design-file.md: one section per record with every key, its type, default and meaning.</summary>
    public static string MarkdownReference(string example)
    {
        var sb = new StringBuilder();
        sb.Append("# Design file reference (version 1)\n\n");
        sb.Append("<!-- Generated by `dcnet docs design-file`; do not edit by hand. A test fails when it is stale. -->\n\n");
        sb.Append("A design is one YAML file. Keys are kebab-case. Unknown keys are errors (with a \"did you mean\"), never ignored. ");
        sb.Append("Every error reads `file:line:col: what is wrong (expected ...)`, and dcnet exits 2 without writing anything.\n\n");
        sb.Append("Editors with the YAML language server validate and complete designs with the JSON Schema in ");
        sb.Append("[`design.schema.json`](design.schema.json) (also printed by `dcnet schema`). Put this first line in a design:\n\n");
        sb.Append("```yaml\n# yaml-language-server: $schema=../docs/design.schema.json\n```\n\n");
        sb.Append("## Example\n\n```yaml\n").Append(example.TrimEnd()).Append("\n```\n\n");
        sb.Append("## Value types\n\n");
        sb.Append("| type | written as |\n|---|---|\n");
        sb.Append("| speed | `10G`, `25G`, `100G`, `400G`, `100M` |\n");
        sb.Append("| duration | a number and a unit: `300ms`, `3s`, `5m`, `12h`, `1d` |\n");
        sb.Append("| prefix | CIDR with no host bits: `10.0.0.0/24`, `2001:db8::/64` |\n");
        sb.Append("| address | `10.0.0.53`, `2001:db8::53` |\n");
        sb.Append("| MTU | bytes of IP packet, 68 to 65535 (the L3 MTU; Ethernet header, tag and FCS not included) |\n");
        sb.Append("| VLAN | 1 to 4094; 0 and 4095 are reserved by 802.1Q |\n");
        sb.Append("| AS | 1 to 4294967294, except 23456 and 65535 |\n\n");
        foreach (var t in RecordTypes())
        {
            var info = DesignBinder.RecordInfo.Of(t);
            var defaults = info.Create();
            sb.Append("## ").Append(t == typeof(DesignDocument) ? "Top level" : "`" + KeyPath(t) + "`").Append("\n\n");
            sb.Append("| key | type | default | description |\n|---|---|---|---|\n");
            foreach (var p in info.Properties)
            {
                string type = TypeDescriptions.Describe(p);
                string dflt = p.Required ? "**required**" : DefaultText(p.Property.GetValue(defaults));
                string limit = p.Range?.Why is string why ? " Limit: " + why + "." : "";
                sb.Append("| `").Append(p.Key).Append("` | ").Append(Escape(type)).Append(" | ").Append(Escape(dflt)).Append(" | ")
                  .Append(Escape(p.Doc + limit)).Append(" |\n");
            }

            sb.Append('\n');
        }

        sb.Append("## Limits\n\n");
        sb.Append("dcnet rejects, with a positioned error, designs that cannot fit one machine or that a hostile file could use to exhaust it:\n\n");
        sb.Append("| limit | value | why |\n|---|---|---|\n");
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"| file size | {YamlTreeReader.MaxFileBytes / (1024 * 1024)} MiB | designs hold counts and patterns, not per-VM lists |\n"));
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"| nesting depth | {YamlTreeReader.MaxDepth} levels | the deepest real design nests 6 |\n"));
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"| nodes with aliases expanded | {YamlTreeReader.MaxExpandedNodes:N0} | stops alias bombs (\"billion laughs\") before anything expands |\n"));
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"| hosts | {DesignValidator.MaxHosts:N0} | one availability zone per design |\n"));
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"| VMs | {DesignValidator.MaxVms:N0} | memory of the resolved twin stays under ~1.5 GB |\n"));
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"| vNICs | {DesignValidator.MaxVnics:N0} | as above |\n"));
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"| IPv4 prefix of one L2 network | /{DesignValidator.MinSegmentPrefixV4} or longer | a /16 is already 65,534 hosts in one broadcast domain |\n"));
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"| IPv6 prefix of one L2 network | /{DesignValidator.MinSegmentPrefixV6} or longer | one bridge cannot hold more |\n"));
        sb.Append("| spines, leaves, groups, list sizes | see the ranges above | |\n");
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>Where a record appears in a design, as a dotted key path.</summary>
    private static string KeyPath(Type target)
    {
        string? found = null;
        Search(typeof(DesignDocument), "");
        return found ?? DefName(target);

        void Search(Type t, string path)
        {
            foreach (var p in DesignBinder.RecordInfo.Of(t).Properties)
            {
                var inner = Element(p.ValueType);
                bool isList = (Nullable.GetUnderlyingType(p.ValueType) ?? p.ValueType).IsGenericType;
                string here = (path.Length == 0 ? "" : path + ".") + p.Key + (isList ? "[]" : "");
                if (inner == target && found is null)
                {
                    found = here;
                    return;
                }

                if (typeof(DesignNode).IsAssignableFrom(inner) && inner != t && here.Length < 200)
                {
                    Search(inner, here);
                }
            }
        }
    }
}
