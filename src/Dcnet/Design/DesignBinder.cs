using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Reflection;
using Dcnet.Bgp;
using Dcnet.Text;
using Dcnet.Topology;
using Dcnet.Vlans;
using Dcnet.Wire;

namespace Dcnet.Design;

/// <summary>
/// Binds a <see cref="YNode"/> tree to the design records, driven by their <see cref="KeyAttribute"/>s. The same
/// metadata generates the JSON Schema and the design-file reference, so the three never disagree.
/// Every problem is collected with its position; nothing is silently ignored.
/// </summary>
public sealed class DesignBinder
{
    private readonly List<DesignError> errors;

    private DesignBinder(List<DesignError> errors) => this.errors = errors;

    /// <summary>Binds the root of a design. Returns null only when the root is not a mapping.</summary>
    public static DesignDocument? Bind(YNode root, List<DesignError> errors)
    {
        var binder = new DesignBinder(errors);
        if (root is not YMapping)
        {
            errors.Add(new DesignError(root.Location, $"the design is {root.KindName}", "a mapping with keys such as name, platform, fabric, hosts, networks"));
            return null;
        }

        return (DesignDocument?)binder.BindRecord((YMapping)root, typeof(DesignDocument), "");
    }

    private object? BindRecord(YMapping map, Type type, string path)
    {
        var info = RecordInfo.Of(type);
        var instance = (DesignNode)info.Create();
        instance.Location = map.Location;
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Entries)
        {
            string key = keyNode.Value;
            if (seen.TryGetValue(key, out var first))
            {
                errors.Add(new DesignError(keyNode.Location, $"duplicate key '{key}'{Where(path)} (first at line {first.Line.ToString(CultureInfo.InvariantCulture)})", "each key once"));
                continue;
            }

            seen[key] = keyNode.Location;
            if (!info.ByKey.TryGetValue(key, out var prop))
            {
                string? guess = Suggest.Closest(key, info.Keys);
                string hint = guess is null ? "" : $"; did you mean '{guess}'?";
                errors.Add(new DesignError(keyNode.Location, $"unknown key '{key}'{Where(path)}{hint}", "one of: " + string.Join(", ", info.Keys)));
                continue;
            }

            string childPath = path.Length == 0 ? key : path + "." + key;
            if (valueNode is YScalar s && s.IsNull && prop.IsNullable)
            {
                instance.Remember(key, valueNode.Location);
                continue;
            }

            if (TryBindValue(valueNode, prop.ValueType, childPath, prop, instance, key, out object? value))
            {
                prop.Property.SetValue(instance, value);
            }

            instance.Remember(key, valueNode.Location);
        }

        foreach (var prop in info.Properties)
        {
            if (prop.Required && !seen.ContainsKey(prop.Key))
            {
                errors.Add(new DesignError(map.Location, $"missing required key '{prop.Key}'{Where(path)}", TypeDescriptions.Describe(prop)));
            }
        }

        return instance;
    }

    private static string Where(string path) => path.Length == 0 ? " at the top level" : $" in {path}";

    private bool TryBindValue(YNode node, Type type, string path, PropInfo? prop, DesignNode? owner, string ownerKey, out object? value)
    {
        value = null;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var elementType = underlying.GetGenericArguments()[0];
            if (node is not YSequence seq)
            {
                Wrong(node, path, "a list of " + TypeDescriptions.Plural(elementType));
                return false;
            }

            if (prop?.MaxItems is int max && seq.Items.Count > max)
            {
                errors.Add(new DesignError(node.Location, string.Create(CultureInfo.InvariantCulture, $"'{path}' has {seq.Items.Count} items, over the limit of {max}"), string.Create(CultureInfo.InvariantCulture, $"at most {max} items")));
                return false;
            }

            var array = Array.CreateInstance(elementType, seq.Items.Count);
            bool ok = true;
            for (int i = 0; i < seq.Items.Count; i++)
            {
                var item = seq.Items[i];
                string itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]");
                owner?.Remember(string.Create(CultureInfo.InvariantCulture, $"{ownerKey}[{i}]"), item.Location);
                if (TryBindValue(item, elementType, itemPath, null, null, "", out object? element))
                {
                    array.SetValue(element, i);
                }
                else
                {
                    ok = false;
                }
            }

            value = array;
            return ok;
        }

        if (typeof(DesignNode).IsAssignableFrom(underlying))
        {
            if (node is not YMapping map)
            {
                Wrong(node, path, "a mapping");
                return false;
            }

            value = BindRecord(map, underlying, path);
            return true;
        }

        if (node is not YScalar scalar || scalar.IsNull)
        {
            Wrong(node, path, TypeDescriptions.Describe(underlying, prop));
            return false;
        }

        return TryBindScalar(scalar, underlying, path, prop, out value);
    }

    private bool TryBindScalar(YScalar s, Type type, string path, PropInfo? prop, out object? value)
    {
        value = null;
        string text = s.Value;
        string? problem = null;
        string expected = TypeDescriptions.Describe(type, prop);

        if (type == typeof(string))
        {
            value = text;
            return true;
        }

        if (type == typeof(int) || type == typeof(long))
        {
            if (!s.IsPlain || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
            {
                if (s.IsPlain && text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] == '-') && text.All(c => char.IsAsciiDigit(c) || c == '-'))
                {
                    return Fail(s, $"'{path}' is {Shorten(text)}, too large", expected);
                }

                Wrong(s, path, expected);
                return false;
            }

            long min = prop?.Range?.Min ?? (type == typeof(int) ? int.MinValue : long.MinValue);
            long max = prop?.Range?.Max ?? (type == typeof(int) ? int.MaxValue : long.MaxValue);
            if (n < min || n > max)
            {
                string why = prop?.Range?.Why is string w ? "; " + w : "";
                return Fail(s, string.Create(CultureInfo.InvariantCulture, $"'{path}' is {n}, outside the allowed range"), expected + why);
            }

            value = type == typeof(int) ? (object)(int)n : n;
            return true;
        }

        if (type == typeof(bool))
        {
            if (s.IsPlain && text is "true" or "false")
            {
                value = text == "true";
                return true;
            }

            Wrong(s, path, expected);
            return false;
        }

        if (type.IsEnum)
        {
            var tokens = EnumTokens.Of(type);
            if (tokens.ByToken.TryGetValue(text, out object? e))
            {
                value = e;
                return true;
            }

            string? guess = Suggest.Closest(text, tokens.ByToken.Keys);
            return Fail(s, $"'{path}' is '{Shorten(text)}', not a known value" + (guess is null ? "" : $"; did you mean '{guess}'?"), expected);
        }

        if (type == typeof(TimeSpan))
        {
            if (DurationText.TryParse(text, out var t))
            {
                value = t;
                return true;
            }

            return Fail(s, $"'{path}' is '{Shorten(text)}', not a duration", expected);
        }

        if (type == typeof(IPNetwork))
        {
            if (IpMath.TryParsePrefix(text, out var prefix, out problem, out string? exp))
            {
                value = prefix;
                return true;
            }

            return Fail(s, $"'{path}': {problem}", exp!);
        }

        if (type == typeof(IPAddress))
        {
            if (IPAddress.TryParse(text, out var address) && !text.Contains('/', StringComparison.Ordinal) && !text.Contains('%', StringComparison.Ordinal)
                && (text.Contains(':', StringComparison.Ordinal) || text.Count(c => c == '.') == 3))
            {
                value = address;
                return true;
            }

            return Fail(s, $"'{path}' is '{Shorten(text)}', not an IP address", expected);
        }

        if (type == typeof(Speed))
        {
            if (Speed.TryParse(text, out var speed))
            {
                value = speed;
                return true;
            }

            return Fail(s, $"'{path}' is '{Shorten(text)}', not a link speed", expected);
        }

        if (type == typeof(MacAddress))
        {
            if (MacAddress.TryParse(text, out var mac))
            {
                value = mac;
                return true;
            }

            return Fail(s, $"'{path}' is '{Shorten(text)}', not a MAC address", expected);
        }

        if (type == typeof(Mtu) || type == typeof(VlanId) || type == typeof(Asn))
        {
            if (!s.IsPlain || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
            {
                Wrong(s, path, expected);
                return false;
            }

            bool ok;
            if (type == typeof(Mtu))
            {
                ok = Mtu.TryParse(n, out var mtu, out problem);
                value = mtu;
            }
            else if (type == typeof(VlanId))
            {
                ok = VlanId.TryCreate(n, out var vlan, out problem);
                value = vlan;
            }
            else
            {
                ok = Asn.TryCreate(n, out var asn, out problem);
                value = asn;
            }

            return ok || Fail(s, $"'{path}': {problem}", expected);
        }

        throw new InvalidOperationException($"no scalar binding for {type}");
    }

    private bool Fail(YNode node, string message, string expected)
    {
        errors.Add(new DesignError(node.Location, message, expected));
        return false;
    }

    private void Wrong(YNode node, string path, string expected)
    {
        string got = node is YScalar s && !s.IsNull ? $"{node.KindName} '{Shorten(s.Value)}'" : node.KindName;
        errors.Add(new DesignError(node.Location, $"'{path}' has the wrong type: got {got}", expected));
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    internal sealed class PropInfo
    {
        public required string Key { get; init; }

        public required PropertyInfo Property { get; init; }

        public required Type ValueType { get; init; }

        public bool Required { get; init; }

        public bool IsNullable { get; init; }

        public RangeAttribute? Range { get; init; }

        public int? MaxItems { get; init; }

        public string Doc { get; init; } = "";
    }

    internal sealed class RecordInfo
    {
        private static readonly ConcurrentDictionary<Type, RecordInfo> Cache = new();

        public required Type Type { get; init; }

        public required Func<object> Create { get; init; }

        public required IReadOnlyList<PropInfo> Properties { get; init; }

        public required IReadOnlyDictionary<string, PropInfo> ByKey { get; init; }

        public required IReadOnlyList<string> Keys { get; init; }

        public static RecordInfo Of(Type type) => Cache.GetOrAdd(type, Build);

        private static RecordInfo Build(Type type)
        {
            var nullability = new NullabilityInfoContext();
            var props = new List<PropInfo>();
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var key = p.GetCustomAttribute<KeyAttribute>();
                if (key is null)
                {
                    continue;
                }

                bool nullable = Nullable.GetUnderlyingType(p.PropertyType) is not null
                    || nullability.Create(p).WriteState == NullabilityState.Nullable;
                props.Add(new PropInfo
                {
                    Key = key.Name,
                    Property = p,
                    ValueType = p.PropertyType,
                    Required = p.GetCustomAttribute<RequiredAttribute>() is not null,
                    IsNullable = nullable,
                    Range = p.GetCustomAttribute<RangeAttribute>(),
                    MaxItems = p.GetCustomAttribute<MaxItemsAttribute>()?.Max,
                    Doc = p.GetCustomAttribute<DocAttribute>()?.Text ?? "",
                });
            }

            var ctor = type.GetConstructor(Type.EmptyTypes) ?? throw new InvalidOperationException($"{type} needs a parameterless constructor");
            return new RecordInfo
            {
                Type = type,
                Create = () => ctor.Invoke(null),
                Properties = props,
                ByKey = props.ToDictionary(p => p.Key, StringComparer.Ordinal),
                Keys = props.Select(p => p.Key).ToArray(),
            };
        }
    }

    internal sealed class EnumTokens
    {
        private static readonly ConcurrentDictionary<Type, EnumTokens> Cache = new();

        public required IReadOnlyDictionary<string, object> ByToken { get; init; }

        public required IReadOnlyDictionary<object, string> ToToken { get; init; }

        public required IReadOnlyList<(string Token, string Doc)> Ordered { get; init; }

        public static EnumTokens Of(Type type) => Cache.GetOrAdd(type, t =>
        {
            var ordered = new List<(string, string)>();
            var by = new Dictionary<string, object>(StringComparer.Ordinal);
            var to = new Dictionary<object, string>();
            foreach (var f in t.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                string token = f.GetCustomAttribute<TokenAttribute>()?.Text ?? f.Name.ToLowerInvariant();
                object v = f.GetValue(null)!;
                by[token] = v;
                to[v] = token;
                ordered.Add((token, f.GetCustomAttribute<DocAttribute>()?.Text ?? ""));
            }

            return new EnumTokens { ByToken = by, ToToken = to, Ordered = ordered };
        });
    }
}

/// <summary>Human descriptions of design value types, shared by errors, the schema and the docs.</summary>
internal static class TypeDescriptions
{
    public static string Describe(DesignBinder.PropInfo prop)
    {
        var t = Nullable.GetUnderlyingType(prop.ValueType) ?? prop.ValueType;
        return Describe(t, prop);
    }

    public static string Describe(Type type, DesignBinder.PropInfo? prop)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return "a list of " + Plural(type.GetGenericArguments()[0]);
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return prop?.Range is { } r
                ? string.Create(CultureInfo.InvariantCulture, $"an integer from {r.Min} to {r.Max}")
                : "an integer";
        }

        if (type.IsEnum)
        {
            return "one of: " + string.Join(", ", DesignBinder.EnumTokens.Of(type).Ordered.Select(o => o.Token));
        }

        return type.Name switch
        {
            nameof(String) => "a string",
            nameof(Boolean) => "true or false",
            nameof(TimeSpan) => DurationText.Expected,
            nameof(IPNetwork) => "a CIDR prefix such as 10.0.0.0/24 or 2001:db8::/64",
            nameof(IPAddress) => "an IPv4 or IPv6 address",
            nameof(Speed) => "a link speed such as 10G, 25G or 100G",
            nameof(Mtu) => "an MTU from 68 to 65535 bytes",
            nameof(VlanId) => "a VLAN id from 1 to 4094; 0 and 4095 are reserved",
            nameof(Asn) => "an AS number from 1 to 4294967294",
            nameof(MacAddress) => "a MAC address such as 02:00:00:00:00:01",
            _ when typeof(DesignNode).IsAssignableFrom(type) => "a mapping",
            _ => type.Name,
        };
    }

    public static string Plural(Type element)
    {
        element = Nullable.GetUnderlyingType(element) ?? element;
        if (element.IsEnum)
        {
            return "values (" + Describe(element, null) + ")";
        }

        if (element.IsGenericType && element.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return "lists of " + Plural(element.GetGenericArguments()[0]);
        }

        return element.Name switch
        {
            nameof(String) => "strings",
            nameof(Int32) or nameof(Int64) => "integers",
            nameof(IPNetwork) => "CIDR prefixes (such as 10.0.0.0/24 or 2001:db8::/64)",
            nameof(IPAddress) => "IP addresses",
            nameof(VlanId) => "VLAN ids (1 to 4094)",
            nameof(Asn) => "AS numbers",
            nameof(Speed) => "link speeds",
            nameof(TimeSpan) => "durations",
            _ when typeof(DesignNode).IsAssignableFrom(element) => "mappings",
            _ => element.Name,
        };
    }
}
