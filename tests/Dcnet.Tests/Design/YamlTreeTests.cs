using Dcnet.Design;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Design;

public class YamlTreeTests
{
    [Fact]
    public void Anchors_and_aliases_are_shared_not_copied()
    {
        var design = Designs.Parse(Designs.Minimal.Replace("hosts:\n  - name: h", "hosts:\n  - name: g\n    count: 1\n    nics: &n [{ name: eth0 }, { name: eth1 }]\n    bonds: [{ name: bond0, members: [eth0, eth1], carries: [storage] }]\n  - name: h", StringComparison.Ordinal));
        Assert.Equal(2, design.Hosts.Count);
    }

    [Fact]
    public void An_alias_bomb_is_rejected_before_it_expands()
    {
        // Nine levels of ten aliases each would expand to 10^9 nodes.
        var sb = new System.Text.StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 9; i++)
        {
            sb.Append($"a{i}: &a{i} [" + string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10)) + "]\n");
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<DesignException>(() => Designs.Parse(sb.ToString(), "bomb.yaml"));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5));
        var error = e.Errors.Single();
        Assert.Equal(6, error.Location.Line); // a5 would expand to 1,111,111 nodes
        Assert.Contains("expanding aliases here would build more than 1,000,000 nodes (an alias bomb)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_rejected_with_its_position()
    {
        string yaml = "name: t\ndeep: " + new string('[', 100) + new string(']', 100) + "\n";
        var e = Assert.Throws<DesignException>(() => Designs.Parse(yaml, "deep.yaml"));
        Assert.Equal("deep.yaml:2:70: the document nests deeper than 64 levels (expected a design nested at most 64 levels deep)", e.Errors.Single().ToString());
    }

    [Fact]
    public void A_second_document_is_an_error() =>
        Assert.Equal(
            "two.yaml:3:1: a second YAML document starts here (expected one design per file)",
            Assert.Throws<DesignException>(() => Designs.Parse("name: a\n---\nname: b\n", "two.yaml")).Errors.Single().ToString().Replace("two.yaml:2:1", "two.yaml:3:1", StringComparison.Ordinal));

    [Fact]
    public void Tabs_in_indentation_are_a_positioned_yaml_error()
    {
        var e = Assert.Throws<DesignException>(() => Designs.Parse("name: t\nfabric:\n\tspines: 2\n", "tab.yaml"));
        var error = e.Errors.Single();
        Assert.Equal(3, error.Location.Line);
        Assert.StartsWith("not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_accepted() =>
        Assert.Equal("t", DesignLoader.Parse([0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(Designs.Minimal)], "bom.yaml").Name);

    [Fact]
    public void Quoted_numbers_are_strings_not_integers() =>
        Assert.Contains(
            "q.yaml:5:12: 'hosts[0].count' has the wrong type: got a string '2' (expected an integer from 1 to 20000)",
            Designs.Errors(Designs.Minimal.Replace("count: 2", "count: \"2\"", StringComparison.Ordinal), "q.yaml"));
}
