using System.Buffers.Text;
using System.Text.Json;

namespace Sparkle.Grains.Listings;

/// <summary>Opaque cursors: base64url of the list's name, its order and the keyset position. A cursor of
/// another list or order, or anything that does not decode, is refused rather than guessed at.</summary>
public static class ListingCursor
{
    private const int MaxLength = 2048;

    public static string Encode(string list, string order, ListingPosition position) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { "1", list, order, position.Key, position.Id }));

    public static bool TryDecode(string? cursor, string list, string order, out ListingPosition? position)
    {
        position = null;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > MaxLength)
        {
            return false;
        }

        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(cursor));
            if (parts is not ["1", var l, var o, { } key, { } id] || l != list || o != order)
            {
                return false;
            }

            position = new ListingPosition(key, id);
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Text for error messages: never echoes the cursor.</summary>
    public static string Describe(string list) => $"The cursor is not one of this {list} list's (same filters and order).";
}
