using System;

namespace Ownership.Demo;

public static class Program
{
    public static int Main()
    {
        Console.WriteLine("Ownership demo: the analyzer and the checked allocators on the classic manual-memory bugs.");
        return 0;
    }
}
