using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Warehouse.Database;

namespace Warehouse.Stage;

/// <summary>
/// How a text file is decoded, decided before a row is read: a byte-order mark says UTF-8 or UTF-16 (LE or BE); without
/// one the whole file must be strict UTF-8 (no NUL bytes, no U+FFFD left by an earlier bad conversion); else the
/// encoding the user declared (<c>--encoding windows-1252</c> or <c>latin1</c>) when every byte means a character in it.
/// Anything else stops with one line naming the file and the first bad byte, so nothing is stored with replacement
/// characters. Decoders throw rather than replace.
/// </summary>
public static class TextEncoding
{
    public const string Declared = "utf-8 (default), windows-1252, latin1 (iso-8859-1), utf-16le, utf-16be";

    static TextEncoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The encoding a declared name stands for, decoding strictly; throws <see cref="WarehouseException"/> for an unknown name.</summary>
    public static Encoding Named(string name)
    {
        try
        {
            return name.Trim().ToLowerInvariant() switch
            {
                "utf-8" or "utf8" => Strict(new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)),
                "latin1" or "latin-1" or "iso-8859-1" => Strict(Encoding.Latin1),
                "utf-16" or "utf-16le" or "utf16" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true),
                "utf-16be" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: true),
                var other => Strict(Encoding.GetEncoding(other)),
            };
        }
        catch (ArgumentException)
        {
            throw new WarehouseException($"--encoding '{name}' is not an encoding this warehouse reads ({Declared})");
        }
    }

    /// <summary>The encoding to read <paramref name="file"/> with (see the class); a StreamReader given it skips its byte-order mark itself.</summary>
    public static Encoding Detect(string file, string? declared = null)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var head = new byte[3];
        var count = stream.ReadAtLeast(head, 3, throwOnEndOfStream: false);
        if (count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
        {
            stream.Position = 3;
            return CheckUtf8(stream, file, fallback: null) ?? Strict(new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        }

        if (count >= 2 && (head[0], head[1]) is (0xFF, 0xFE) or (0xFE, 0xFF))
        {
            return new UnicodeEncoding(bigEndian: head[0] == 0xFE, byteOrderMark: true, throwOnInvalidBytes: true);
        }

        stream.Position = 0;
        var fallback = declared is null ? null : Named(declared);
        return CheckUtf8(stream, file, fallback) ?? Strict(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <summary>Null when the rest of the stream is strict UTF-8; else the declared fallback when it decodes the file; else throws.</summary>
    private static Encoding? CheckUtf8(FileStream stream, string file, Encoding? fallback)
    {
        var start = stream.Position;
        var bytes = ArrayPool<byte>.Shared.Rent(1 << 16);
        var chars = ArrayPool<char>.Shared.Rent(1 << 16);
        try
        {
            var offset = start; // file offset of bytes[0]
            var carry = 0;
            while (true)
            {
                var read = stream.Read(bytes, carry, (1 << 16) - carry);
                var length = carry + read;
                var final = read == 0;
                var block = bytes.AsSpan(0, length);
                var status = Utf8.ToUtf16(block, chars, out var bytesRead, out var charsWritten, replaceInvalidSequences: false, isFinalBlock: final);
                var nul = block[..bytesRead].IndexOf((byte)0);
                var replacement = chars.AsSpan(0, charsWritten).IndexOf('\uFFFD');
                if (nul >= 0 || replacement >= 0 || status == OperationStatus.InvalidData)
                {
                    var bad = nul >= 0 ? nul : replacement >= 0 ? Encoding.UTF8.GetByteCount(chars.AsSpan(0, replacement)) : bytesRead;
                    if (replacement >= 0 && nul < 0)
                    {
                        throw Undecodable(file, offset + bad, "U+FFFD, the replacement character an earlier wrong conversion left in the text");
                    }

                    var problem = nul >= 0 ? "a NUL byte (0x00), which no text file has (UTF-16 without a byte-order mark?)" : $"byte 0x{block[bad]:X2}, which is not UTF-8";
                    return Fallback(stream, file, fallback, offset + bad, problem);
                }

                if (final)
                {
                    return null;
                }

                carry = length - bytesRead;
                block[bytesRead..].CopyTo(bytes);
                offset += bytesRead;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The declared encoding when it gives every byte of the file a character (no NUL); else the one-line error.</summary>
    private static Encoding Fallback(FileStream stream, string file, Encoding? declared, long badOffset, string problem)
    {
        if (declared is not null)
        {
            if (!declared.IsSingleByte)
            {
                return declared; // a UTF-16 declared for a file without its byte-order mark: its decoder throws on bad data
            }

            var decodes = new bool[256];
            for (var b = 1; b < 256; b++)
            {
                try
                {
                    decodes[b] = declared.GetCharCount([(byte)b]) == 1;
                }
                catch (DecoderFallbackException)
                {
                }
            }

            stream.Position = 0;
            var buffer = new byte[1 << 16];
            long offset = 0;
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    if (!decodes[buffer[i]])
                    {
                        throw Undecodable(file, offset + i, $"byte 0x{buffer[i]:X2}, which is neither UTF-8 nor {declared.WebName}");
                    }
                }

                offset += read;
            }

            return declared;
        }

        throw Undecodable(file, badOffset, problem);
    }

    private static WarehouseException Undecodable(string file, long offset, string problem) =>
        new($"{file}: cannot be decoded at byte offset {offset}: {problem}; save it as UTF-8 or give --encoding ({Declared}); nothing loaded from this file");

    private static Encoding Strict(Encoding encoding) => encoding is UTF8Encoding utf8
        ? new UTF8Encoding(utf8.Preamble.Length > 0, throwOnInvalidBytes: true)
        : Encoding.GetEncoding(encoding.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
}
