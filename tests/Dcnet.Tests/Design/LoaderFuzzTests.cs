using System.Globalization;
using Dcnet.Design;
using Dcnet.Tests.Design.Fuzz;
using Dcnet.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Dcnet.Tests.Design;

/// <summary>
/// Mutates valid designs (the examples, generated designs, the fixtures) and feeds them to the loader, the
/// resolver and the checks. The budget is DCNET_FUZZ_BUDGET inputs (5,000 by default, so ./test.sh stays fast);
/// tests/fuzz.sh runs 100,000. Inputs that ever failed are kept in Fixtures/fuzz-regressions and replayed always.
/// </summary>
public class LoaderFuzzTests
{
    private static readonly Lazy<IReadOnlyList<byte[]>> Corpus = new(() =>
    {
        var list = new List<byte[]>();
        foreach (string f in Directory.GetFiles(Repo.Path("examples"), "*.yaml").Order(StringComparer.Ordinal))
        {
            list.Add(File.ReadAllBytes(f));
        }

        foreach (string f in Directory.GetFiles(Repo.Path("tests", "Dcnet.Tests", "Design", "Fixtures", "errors"), "*.yaml").Order(StringComparer.Ordinal))
        {
            list.Add(File.ReadAllBytes(f));
        }

        list.Add(System.Text.Encoding.UTF8.GetBytes(DesignExamples.Reference));
        list.Add(System.Text.Encoding.UTF8.GetBytes(Designs.Minimal));
        list.Add(System.Text.Encoding.UTF8.GetBytes(DesignGenerator.Generate(new GeneratorOptions { Vms = 300, Hosts = 8, Groups = 10, DualStack = true })));
        return list;
    });

    public static int Budget =>
        int.TryParse(Environment.GetEnvironmentVariable("DCNET_FUZZ_BUDGET"), NumberStyles.None, CultureInfo.InvariantCulture, out int b) && b > 0 ? b : 5000;

    private static Gen<Mutation> MutationGen =>
        from kind in Gen.Elements(Enum.GetValues<MutationKind>())
        from pos in Gen.Choose(0, 9999)
        from payload in Gen.Choose(0, 1_000_000)
        select new Mutation(kind, pos / 10000.0, payload);

    private static Gen<(int Seed, Mutation[] Edits)> InputGen =>
        from seed in Gen.Choose(0, 1_000_000)
        from count in Gen.Choose(1, 4)
        from edits in MutationGen.ArrayOf(count)
        select (seed, edits);

    internal static byte[] Build((int Seed, Mutation[] Edits) input)
    {
        var corpus = Corpus.Value;
        byte[] bytes = corpus[input.Seed % corpus.Count];
        foreach (var m in input.Edits)
        {
            bytes = m.Apply(bytes);
        }

        return bytes;
    }

    [Fact]
    public void Mutated_designs_load_or_fail_with_positioned_errors()
    {
        string? saved = null;
        var property = Prop.ForAll(InputGen.ToArbitrary(), input =>
        {
            byte[] bytes = Build(input);
            string? problem = FuzzOracle.Violation(bytes);
            if (problem is not null && saved is null)
            {
                saved = FuzzOracle.SaveRegression(bytes, $"{string.Join(", ", input.Edits.Select(e => e.ToString()))} on corpus {input.Seed % Corpus.Value.Count}: {problem}");
            }

            return (problem is null).Label(problem ?? "");
        });
        try
        {
            Check.One(Config.QuickThrowOnFailure.WithMaxTest(Budget).WithQuietOnSuccess(true), property);
        }
        catch (Exception e) when (saved is not null)
        {
            throw new Xunit.Sdk.XunitException($"a fuzz input broke the loader; it is saved as {saved} and will be replayed by Regressions_stay_fixed.\n{e.Message}");
        }
    }

    public static TheoryData<string> Regressions() =>
        new(Directory.GetFiles(Repo.Path("tests", "Dcnet.Tests", "Design", "Fixtures", "fuzz-regressions"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Regressions))]
    public void Regressions_stay_fixed(string file)
    {
        string? problem = FuzzOracle.Violation(File.ReadAllBytes(Repo.Path("tests", "Dcnet.Tests", "Design", "Fixtures", "fuzz-regressions", file)));
        Assert.True(problem is null, problem);
    }

    [Fact]
    public void Every_mutation_kind_changes_some_corpus_input()
    {
        foreach (var kind in Enum.GetValues<MutationKind>())
        {
            bool changed = Corpus.Value.Any(c => Enumerable.Range(0, 20).Any(i => !new Mutation(kind, i / 20.0, i).Apply(c).SequenceEqual(c)));
            Assert.True(changed, kind + " never changes anything");
        }
    }
}
