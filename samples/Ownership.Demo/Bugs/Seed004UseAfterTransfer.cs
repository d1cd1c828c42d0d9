using System;
using Ownership.Samples.Blocks;

namespace Ownership.Demo.Bugs;

/// <summary>Seed 004: a block batch handed to the query engine, then written by its former owner.</summary>
internal static class Seed004UseAfterTransfer
{
    // begin buggy
    public static void FlushAndAnnotate(StorageEngine storage, ReadOnlySpan<byte> note)
    {
        var batch = storage.Flush();
        using (var query = new QueryEngine())
        {
            query.Ingest(batch);                  // [Transfers]: from here on the batch belongs to the query engine
        }                                         // ... which releases it with itself

        batch.Append(-1, 0, note);                // the former owner still writes to it: use after transfer (OWN001)
    }
    // end buggy
}
