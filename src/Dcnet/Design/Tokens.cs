namespace Dcnet.Design;

/// <summary>The YAML spellings of enum values (<see cref="TokenAttribute"/>), for parsing and printing.</summary>
public static class Tokens
{
    /// <summary>The token of an enum value; reports call it per row, so each enum's table is built once, unboxed.</summary>
    public static string Of<T>(T value)
        where T : struct, Enum => Table<T>.ToToken[value];

    public static bool TryParse<T>(string token, out T value)
        where T : struct, Enum
    {
        if (DesignBinder.EnumTokens.Of(typeof(T)).ByToken.TryGetValue(token, out object? v))
        {
            value = (T)v;
            return true;
        }

        value = default;
        return false;
    }

    public static IReadOnlyList<string> All<T>()
        where T : struct, Enum => DesignBinder.EnumTokens.Of(typeof(T)).Ordered.Select(o => o.Token).ToList();

    private static class Table<T>
        where T : struct, Enum
    {
        public static readonly Dictionary<T, string> ToToken = DesignBinder.EnumTokens.Of(typeof(T)).ToToken.ToDictionary(kv => (T)kv.Key, kv => kv.Value);
    }
}
