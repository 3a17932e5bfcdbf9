using Dcnet.Topology;

namespace Dcnet.Platforms;

/// <summary>One file a renderer produces, relative to the output directory.</summary>
public sealed record RenderedFile(string RelativePath, string Content);

/// <summary>Turns the resolved network into the configuration of one platform target. Renderers decide no network facts.</summary>
public interface IRenderer
{
    /// <summary>The name users pass to <c>--target</c>.</summary>
    string Target { get; }

    string Description { get; }

    IReadOnlyList<RenderedFile> Render(Network network);
}

/// <summary>Every render target.</summary>
public static class RenderRegistry
{
    public static IReadOnlyList<IRenderer> Renderers { get; } =
    [
        new Linux.LinuxRenderer(),
        new Frr.FrrRenderer(),
        new Ovn.OvnRenderer(),
    ];

    public static IRenderer? Find(string target) => Renderers.FirstOrDefault(r => r.Target == target);

    /// <summary>Renders <paramref name="target"/> and replaces <paramref name="directory"/> with the result, atomically.</summary>
    public static IReadOnlyList<RenderedFile> RenderTo(Network network, string target, string directory)
    {
        var renderer = Find(target) ?? throw new ArgumentException($"unknown render target '{target}'");
        var files = renderer.Render(network).OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList();
        IO.AtomicDirectory.Replace(directory, files.Select(f => (f.RelativePath, f.Content)));
        return files;
    }
}
