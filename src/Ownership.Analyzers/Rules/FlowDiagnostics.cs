using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Ownership.Analyzers.Contracts;
using Ownership.Analyzers.Flow;

namespace Ownership.Analyzers.Rules
{
    /// <summary>Turns flow findings into diagnostics: one method per rule, each with its three places and plain words.</summary>
    internal sealed class FlowDiagnostics : IFlowReport
    {
        /// <summary>Diagnostic property: how to release the value, a call with {0} for it (OWN003, OWN004, OWN010).</summary>
        public const string ReleaseCallProperty = "ReleaseCall";

        /// <summary>Diagnostic property: "true" when the value is an IDisposable.</summary>
        public const string IsDisposableProperty = "IsDisposable";

        /// <summary>Diagnostic property: the variable that holds the value, when there is one.</summary>
        public const string VariableProperty = "Variable";

        /// <summary>Diagnostic property: the expression a wrong deallocator released, as written (OWN010).</summary>
        public const string ReleasedProperty = "Released";

        private readonly Action<Diagnostic> report;
        private readonly ContractProvider contracts;

        public FlowDiagnostics(Action<Diagnostic> report, ContractProvider contracts)
        {
            this.report = report;
            this.contracts = contracts;
        }

        public void UseAfterRelease(IOperation use, string name, Resource resource, ResourceState state)
        {
            var site = state.Site!;
            report(Diagnostic.Create(
                Descriptors.OWN001UseAfterRelease,
                use.Syntax.GetLocation(),
                Places(resource.Location, site.Syntax.GetLocation()),
                name,
                state.Has(StateFlags.Released) ? "released" : "transferred",
                BodyAnalysis.Describe(site),
                Line(site.Syntax.GetLocation()),
                Qualifier(state, use, site)));
        }

        public void DoubleRelease(IOperation release, string name, Resource resource, ResourceState state, bool isTransfer)
        {
            var site = state.Site!;
            report(Diagnostic.Create(
                Descriptors.OWN002DoubleRelease,
                release.Syntax.GetLocation(),
                Places(resource.Location, site.Syntax.GetLocation()),
                name,
                isTransfer ? "transferred" : "released",
                state.Has(StateFlags.Released) ? "released" : "transferred",
                BodyAnalysis.Describe(site),
                Line(site.Syntax.GetLocation()),
                Qualifier(state, release, site)));
        }

        public void Leak(Resource resource, Location? exit, LeakKind kind)
        {
            var subject = resource.Name == resource.Origin ? "The value" : "'" + resource.Name + "'";
            var how = kind switch
            {
                LeakKind.Discarded => "because the result is discarded",
                LeakKind.SomePath => "on some path out of its scope",
                LeakKind.ExceptionPath => "when an exception leaves its scope",
                _ => "before it goes out of scope",
            };
            var places = exit is null ? new[] { resource.Location } : new[] { resource.Location, exit };
            report(Diagnostic.Create(
                Descriptors.OWN003Leak,
                resource.Location,
                places,
                FixProperties(resource, resource.Name == resource.Origin ? null : resource.Name),
                subject,
                Origin(resource),
                Line(resource.Location),
                how));
        }

        public void Overwrite(IOperation assignment, string name, Resource resource)
        {
            report(Diagnostic.Create(
                Descriptors.OWN004Overwrite,
                assignment.Syntax.GetLocation(),
                new[] { resource.Location },
                FixProperties(resource, name),
                name,
                Origin(resource),
                Line(resource.Location)));
        }

        public void WrongFamily(IOperation release, IOperation? released, string name, Resource resource, string releaseFamily)
        {
            // The fix calls the acquirer's own deallocator on the same expression.
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (released is not null &&
                !resource.IsDisposable &&
                contracts.ReleaseCallFor(resource.AcquisitionSite, resource.Family, isDisposable: false) is { } call)
            {
                properties = properties.Add(ReleaseCallProperty, call).Add(ReleasedProperty, released.Syntax.ToString());
            }

            report(Diagnostic.Create(
                Descriptors.OWN010WrongDeallocator,
                release.Syntax.GetLocation(),
                new[] { resource.Location },
                properties,
                name,
                Origin(resource),
                resource.Family,
                BodyAnalysis.Describe(release),
                releaseFamily));
        }

        public void StaleBorrow(IOperation use, string name, Resource borrow, ResourceState state)
        {
            var site = state.Site!;
            var (cause, effect) = StaleCause(site);
            report(Diagnostic.Create(
                Descriptors.OWN005StaleBorrow,
                use.Syntax.GetLocation(),
                Places(borrow.Location, site.Syntax.GetLocation()),
                name,
                borrow.SourceName,
                cause,
                Line(site.Syntax.GetLocation()),
                effect));
        }

        /// <summary>What made a borrow stale, in words: the call and what it may have done, or the end of a fixed statement.</summary>
        private (string Cause, string Effect) StaleCause(IOperation site)
        {
            if (site is IInvocationOperation invocation)
            {
                var contract = contracts.GetMethod(invocation.TargetMethod);
                if (contract.ReleasesSomething)
                {
                    return (BodyAnalysis.Describe(site), "released");
                }

                var name = invocation.TargetMethod.Name;
                return (BodyAnalysis.Describe(site), name == "Reset" || name == "Clear" ? "reused" : "reallocated");
            }

            if (site.Syntax.FirstAncestorOrSelf<FixedStatementSyntax>() is { } fixedStatement)
            {
                return ("fixed (" + fixedStatement.Declaration + ")", "moved once it was no longer pinned");
            }

            return (BodyAnalysis.Describe(site), "reallocated");
        }

        public void ReleaseNotOwned(IOperation release, string name, bool isTransfer, string reason, Location? source)
        {
            report(Diagnostic.Create(
                Descriptors.OWN006ReleaseNotOwned,
                release.Syntax.GetLocation(),
                source is null ? Array.Empty<Location>() : new[] { source },
                name,
                isTransfer ? "transferred" : "released",
                reason));
        }

        public void BorrowEscapes(IOperation escape, string name, string sourceName, string how, Location? source)
        {
            report(Diagnostic.Create(
                Descriptors.OWN007BorrowEscapes,
                escape.Syntax.GetLocation(),
                source is null ? Array.Empty<Location>() : new[] { source },
                name,
                sourceName,
                how));
        }

        public void DanglingField(IOperation release, IFieldSymbol field, IMethodSymbol method)
        {
            var reset = field.Type.IsReferenceType || field.Type.TypeKind == TypeKind.Pointer ? "null" : "default";
            var declared = BackingFields.Declared(field);
            report(Diagnostic.Create(
                Descriptors.OWN009DanglingField,
                release.Syntax.GetLocation(),
                declared.Locations,
                ImmutableDictionary<string, string?>.Empty.Add("Field", declared.Name).Add("Reset", reset),
                method.Name,
                declared.Name,
                BodyAnalysis.Describe(release),
                reset));
        }

        public void UnannotatedOwnedReturn(IOperation returned, Resource resource, IMethodSymbol method)
        {
            report(Diagnostic.Create(
                Descriptors.OWN011UnannotatedOwnedReturn,
                returned.Syntax.GetLocation(),
                new[] { resource.Location },
                method.Name,
                Origin(resource)));
        }

        private ImmutableDictionary<string, string?> FixProperties(Resource resource, string? variable)
        {
            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            properties.Add(IsDisposableProperty, resource.IsDisposable ? "true" : "false");
            if (contracts.ReleaseCallFor(resource.AcquisitionSite, resource.Family, resource.IsDisposable) is { } call)
            {
                properties.Add(ReleaseCallProperty, call);
            }

            if (variable is not null)
            {
                properties.Add(VariableProperty, variable);
            }

            return properties.ToImmutable();
        }

        /// <summary>What acquired a resource: the acquiring expression, or the parameter it was handed over through.</summary>
        private static string Origin(Resource resource)
        {
            return resource.Origin;
        }

        private static IEnumerable<Location> Places(Location acquisition, Location site)
        {
            return new[] { acquisition, site };
        }

        private static int Line(Location location)
        {
            return location.GetLineSpan().StartLinePosition.Line + 1;
        }

        /// <summary>", on some path" when another path kept it; ", in an earlier loop iteration" when the release comes later in the text.</summary>
        private static string Qualifier(ResourceState state, IOperation at, IOperation site)
        {
            if ((ReferenceEquals(site, at) || site.Syntax.SpanStart > at.Syntax.SpanStart) && site.Syntax.SyntaxTree == at.Syntax.SyntaxTree)
            {
                return ", in an earlier iteration of the loop";
            }

            return state.Has(StateFlags.Owned | StateFlags.Escaped | StateFlags.Null) ? ", on some path" : string.Empty;
        }
    }
}
