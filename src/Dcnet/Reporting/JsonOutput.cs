using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Dcnet.Reporting;

/// <summary>Stable JSON: two-space indent, LF newlines, readable escaping, a trailing newline.</summary>
public static class JsonOutput
{
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Streams a hand-driven document to <paramref name="stream"/>, with the same formatting and final newline as <see cref="Write(Action{Utf8JsonWriter})"/>.</summary>
    public static void Write(Stream stream, Action<Utf8JsonWriter> write)
    {
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            write(writer);
        }

        stream.WriteByte((byte)'\n');
        stream.Flush();
    }

    /// <summary>Hands buffered output to the underlying stream once it passes 64 KiB, so long documents stream.</summary>
    public static void FlushWhenLarge(this Utf8JsonWriter writer)
    {
        if (writer.BytesPending > 1 << 16)
        {
            writer.Flush();
        }
    }

    /// <summary>Writes with a hand-driven writer, for shapes not worth a DTO.</summary>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
