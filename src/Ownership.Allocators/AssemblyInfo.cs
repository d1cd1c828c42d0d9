[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Ownership.Allocators.Tests")]
