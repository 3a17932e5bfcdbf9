using Dcnet.Design;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Design;

/// <summary>
/// Every loader error names the file, line and column and says what was expected. The fixtures under
/// Fixtures/errors are designs that each set up one kind of mistake (their first line says which); the exact
/// messages are pinned in the .expected file beside each.
/// </summary>
public class LoaderErrorTests
{
    private static string Fixture(string name) => Repo.Path("tests", "Dcnet.Tests", "Design", "Fixtures", "errors", name);

    private static IReadOnlyList<string> ErrorsOf(string name)
    {
        var e = Assert.Throws<DesignException>(() => DesignLoader.Load(Fixture(name), name));
        Assert.NotEmpty(e.Errors);
        return e.Errors.Select(x => x.ToString()).ToList();
    }

    public static TheoryData<string> Fixtures() =>
        new(Directory.GetFiles(Repo.Path("tests", "Dcnet.Tests", "Design", "Fixtures", "errors"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Fixture_errors_match_their_expected_file(string name)
    {
        string actual = string.Join("\n", ErrorsOf(name)) + "\n";
        Golden.Assert($"tests/Dcnet.Tests/Design/Fixtures/errors/{Path.ChangeExtension(name, ".expected")}", actual);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_error_points_inside_the_file(string name)
    {
        var e = Assert.Throws<DesignException>(() => DesignLoader.Load(Fixture(name), name));
        int lines = Math.Max(1, File.ReadAllText(Fixture(name)).Split('\n').Length);
        Assert.All(e.Errors, err =>
        {
            Assert.Equal(name, err.Location.File);
            Assert.InRange(err.Location.Line, 1, lines);
            Assert.True(err.Location.Column >= 1);
            Assert.False(string.IsNullOrWhiteSpace(err.Expected), "every error says what was expected: " + err);
        });
    }

    [Fact]
    public void Unknown_key_is_an_error_with_a_suggestion() =>
        Assert.StartsWith("unknown-key.yaml:5:3: unknown key 'spine' in fabric; did you mean 'spines'? (expected one of: spines, leaves,", ErrorsOf("unknown-key.yaml").Single());

    [Fact]
    public void Wrong_types_are_reported_where_the_value_is() =>
        Assert.Equal(
            [
                "wrong-type.yaml:5:11: 'fabric.spines' has the wrong type: got a string 'two' (expected an integer from 1 to 64)",
                "wrong-type.yaml:6:8: 'fabric.bgp' has the wrong type: got a list (expected a mapping)",
            ],
            ErrorsOf("wrong-type.yaml"));

    [Fact]
    public void Vlan_ids_0_and_4095_are_reserved_and_5000_is_out_of_range() =>
        Assert.Equal(
            [
                "vlan-reserved.yaml:9:39: 'networks[0].vlan': VLAN id 0 is reserved by IEEE 802.1Q (expected a VLAN id from 1 to 4094; 0 and 4095 are reserved)",
                "vlan-reserved.yaml:10:39: 'networks[1].vlan': VLAN id 4095 is reserved by IEEE 802.1Q (expected a VLAN id from 1 to 4094; 0 and 4095 are reserved)",
                "vlan-reserved.yaml:11:38: 'networks[2].vlan': VLAN id 5000 is outside the 12-bit VID range (expected a VLAN id from 1 to 4094; 0 and 4095 are reserved)",
            ],
            ErrorsOf("vlan-reserved.yaml"));

    [Fact]
    public void Bad_cidrs_are_reported_with_what_is_wrong() =>
        Assert.Equal(
            [
                "bad-cidr.yaml:9:37: 'networks[0].ipv4': '10.0.0.0' has no prefix length (expected a CIDR prefix such as 10.0.0.0/24 or 2001:db8::/64)",
                "bad-cidr.yaml:10:37: 'networks[1].ipv4': '10.0.300.0/24' is not a valid CIDR prefix (expected a CIDR prefix such as 10.0.0.0/24 or 2001:db8::/64)",
                "bad-cidr.yaml:11:37: 'networks[2].ipv6': '2001:db8::/129' has prefix length 129, longer than 128 (expected a prefix length from 0 to 128)",
            ],
            ErrorsOf("bad-cidr.yaml"));

    [Fact]
    public void A_prefix_with_host_bits_set_names_the_network_address() =>
        Assert.Equal(
            [
                "host-bits.yaml:11:11: 'networks[0].ipv4': '10.0.0.1/24' has host bits set (expected the network address, 10.0.0.0/24)",
                "host-bits.yaml:12:11: 'networks[0].ipv6': '2001:db8::1/64' has host bits set (expected the network address, 2001:db8::/64)",
            ],
            ErrorsOf("host-bits.yaml"));

    [Fact]
    public void Overlapping_prefixes_point_at_the_later_network() =>
        Assert.Equal(
            ["overlap.yaml:11:42: network 'inside' prefix 10.0.8.0/24 overlaps network 'big' prefix 10.0.0.0/16 (line 9) (expected a prefix that no other network uses)"],
            ErrorsOf("overlap.yaml"));

    [Fact]
    public void Undefined_network_group_and_bond_member_are_reported_with_suggestions() =>
        Assert.Equal(
            [
                "undefined-references.yaml:9:40: undefined bond member 'eht1'; did you mean 'eth1'? (expected a NIC of host group 'h')",
                "undefined-references.yaml:14:39: undefined network 'tenat'; did you mean 'tenant'? (expected a network name)",
                "undefined-references.yaml:17:24: undefined group 'wbe'; did you mean 'web'? (expected a group name, a glob, '*' or 'external')",
            ],
            ErrorsOf("undefined-references.yaml"));

    [Fact]
    public void Duplicate_names_point_at_the_second_definition_and_name_the_first() =>
        Assert.Equal(
            [
                "duplicate-names.yaml:7:36: NIC 'eth0' is defined twice in host group 'h' (first at line 7, column 20) (expected a unique NIC name)",
                "duplicate-names.yaml:8:11: host group 'h' is defined twice (first at line 5, column 11) (expected a unique host group name)",
                "duplicate-names.yaml:13:13: network 'n' is defined twice (first at line 12, column 13) (expected a unique network name)",
            ],
            ErrorsOf("duplicate-names.yaml"));

    [Fact]
    public void An_empty_file_is_an_error_at_its_start() =>
        Assert.Equal(["empty.yaml:1:1: the design file is empty (expected a YAML mapping that starts with 'name:' and 'platform:')"], ErrorsOf("empty.yaml"));

    [Fact]
    public void A_file_that_is_not_yaml_is_an_error_where_parsing_stopped() =>
        Assert.Equal(["not-yaml.yaml:4:1: not valid YAML: the parser could not continue here (expected well-formed YAML (closed brackets and quotes, spaces for indentation))"], ErrorsOf("not-yaml.yaml"));

    [Fact]
    public void A_binary_file_is_an_error_at_the_first_bad_byte()
    {
        var e = Assert.Throws<DesignException>(() => DesignLoader.Parse([.. "name: t\nplatform: "u8, 0xFF, 0xFE], "bin.yaml"));
        Assert.Equal("bin.yaml:2:11: byte 0xff is not valid UTF-8 (expected a UTF-8 text file)", e.Errors.Single().ToString());
    }

    [Fact]
    public void A_missing_file_is_an_error()
    {
        string path = Path.Combine(Path.GetTempPath(), "dcnet-no-such-" + Guid.NewGuid().ToString("N") + ".yaml");
        var e = Assert.Throws<DesignException>(() => DesignLoader.Load(path, "nope.yaml"));
        Assert.Equal($"nope.yaml:1:1: cannot read '{path}': no such file (expected a path to a YAML design file)", e.Errors.Single().ToString());
    }

    [Fact]
    public void A_directory_is_not_a_design_file()
    {
        string dir = Directory.CreateTempSubdirectory("dcnet-dir-").FullName;
        try
        {
            var e = Assert.Throws<DesignException>(() => DesignLoader.Load(dir, "somedir"));
            Assert.Equal($"somedir:1:1: '{dir}' is a directory (expected a YAML design file)", e.Errors.Single().ToString());
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void All_errors_of_a_file_are_reported_in_one_run_in_file_order()
    {
        var errors = ErrorsOf("many-errors.yaml");
        Assert.Equal(7, errors.Count);
        var lines = errors.Select(e => int.Parse(e.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(lines.Order(), lines);
    }

    [Fact]
    public void Limits_name_the_key_the_value_and_the_limit()
    {
        var errors = ErrorsOf("limits.yaml");
        Assert.Contains("limits.yaml:6:12: 'hosts[0].count' is 1000000, outside the allowed range (expected an integer from 1 to 20000; a design holds at most 20,000 hosts)", errors);
        Assert.Contains("limits.yaml:11:8: 'workloads.vms' is 1000000000000, outside the allowed range (expected an integer from 0 to 2000000; a design holds at most 2,000,000 VMs)", errors);
    }

    [Fact]
    public void A_slash_8_of_vms_on_one_bridge_is_rejected() =>
        Assert.Contains(
            "d.yaml:5:51: network 'flat' is a /8: one L2 segment (one bridge, one broadcast domain) that large cannot fit a real host or switch (expected a /16 or longer; split the network)",
            Designs.Errors("name: t\nplatform: linux\nhosts: [{ name: h, count: 1, nics: [{ name: eth0 }] }]\nnetworks:\n  - { name: flat, kind: localnet, vlan: 10, ipv4: 10.0.0.0/8 }\n", "d.yaml"));
}
