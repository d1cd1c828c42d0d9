using System;
using Ownership.Allocators;

namespace Ownership.Samples.Blocks;

/// <summary>A block's content copied out of the engines into a buffer of its own, for a caller that keeps it.</summary>
[Owned]
public sealed unsafe class OwnedBlock : IDisposable
{
    private readonly IAllocator _allocator;

    [Owned]
    private byte* _content;

    /// <summary>Copies <paramref name="content"/> into a new buffer from <paramref name="allocator"/>.</summary>
    /// <param name="id">The block's id.</param>
    /// <param name="content">The bytes to copy.</param>
    /// <param name="allocator">Where the copy comes from; must outlive the block.</param>
    public OwnedBlock(long id, ReadOnlySpan<byte> content, IAllocator allocator)
    {
        _allocator = allocator;
        Id = id;
        Length = content.Length;
        _content = (byte*)allocator.Allocate((nuint)Math.Max(content.Length, 1));
        content.CopyTo(new Span<byte>(_content, content.Length));
    }

    /// <summary>The block's id.</summary>
    public long Id { get; }

    /// <summary>The content's length in bytes.</summary>
    public int Length { get; }

    /// <summary>The content, borrowed from this block: valid until it is disposed.</summary>
    /// <returns>The bytes.</returns>
    /// <exception cref="ObjectDisposedException">The block was disposed.</exception>
    [return: Borrowed]
    public ReadOnlySpan<byte> GetContent()
    {
        ObjectDisposedException.ThrowIf(_content == null, this);
        return new ReadOnlySpan<byte>(_content, Length);
    }

    /// <summary>Frees the copy. A second call does nothing.</summary>
    public void Dispose()
    {
        if (_content != null)
        {
            _allocator.Free(_content);
            _content = null;
        }
    }
}
