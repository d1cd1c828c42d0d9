using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Ownership.Analyzers.Contracts;
using Ownership.Analyzers.Flow;

namespace Ownership.Analyzers.Rules
{
    /// <summary>
    /// Runs the ownership dataflow once per body (lambdas and local functions as their own bodies) and reports every
    /// flow rule from that one result: OWN001–OWN007, OWN009, OWN010 and OWN011's returns.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class FlowAnalyzer : OwnershipAnalyzer
    {
        private readonly bool analyzeEveryBody;

        /// <summary>The analyzer as hosts run it: a body is analysed when the relevance scan finds a resource in it.</summary>
        public FlowAnalyzer()
        {
        }

        /// <summary>
        /// With <paramref name="analyzeEveryBody"/>, every body is analysed whatever the scan says: the tests compare the
        /// two to show that the scan skips no body with a finding.
        /// </summary>
        internal FlowAnalyzer(bool analyzeEveryBody)
        {
            this.analyzeEveryBody = analyzeEveryBody;
        }

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.OWN001UseAfterRelease,
            Descriptors.OWN002DoubleRelease,
            Descriptors.OWN003Leak,
            Descriptors.OWN004Overwrite,
            Descriptors.OWN005StaleBorrow,
            Descriptors.OWN006ReleaseNotOwned,
            Descriptors.OWN007BorrowEscapes,
            Descriptors.OWN009DanglingField,
            Descriptors.OWN010WrongDeallocator,
            Descriptors.OWN011UnannotatedOwnedReturn);

        /// <inheritdoc />
        protected override void Register(CompilationStartAnalysisContext context, ContractProvider contracts)
        {
            context.RegisterOperationBlockStartAction(start => Watch(start, contracts, analyzeEveryBody));
        }

        /// <summary>
        /// Scans a declaration's operations as the driver walks them, and analyses its body at the end if they touch a
        /// resource. The scan sees all of the declaration's blocks: with more than one body, all are analysed or none.
        /// </summary>
        private static void Watch(OperationBlockStartAnalysisContext context, ContractProvider contracts, bool analyzeEveryBody)
        {
            SyntaxTree? tree = null;
            foreach (var block in context.OperationBlocks)
            {
                if (RootOf(block) is not null)
                {
                    tree = block.Syntax.SyntaxTree;
                    break;
                }
            }

            if (tree is null)
            {
                // Field and parameter initializers, attributes: no body of ours.
                return;
            }

            var options = contracts.OptionsOf(tree);
            var scan = new RelevanceScan(contracts, options.TrackAllDisposables);
            context.RegisterOperationAction(scan.Visit, RelevanceScan.Kinds);
            context.RegisterOperationBlockEndAction(end =>
            {
                if (scan.MayHoldResources || analyzeEveryBody)
                {
                    AnalyzeBlock(end, contracts, options, scan);
                }
            });
        }

        private static void AnalyzeBlock(OperationBlockAnalysisContext context, ContractProvider contracts, TreeOptions options, RelevanceScan scan)
        {
            if (GeneratedTypes.IsCompilerGenerated(context.OwningSymbol.ContainingType))
            {
                // A decompiled state machine's MoveNext: the compiler's code, not the user's.
                return;
            }

            IOperation? analyzed = null;
            foreach (var block in context.OperationBlocks)
            {
                var root = RootOf(block);
                if (root is null || ReferenceEquals(root, analyzed))
                {
                    continue;
                }

                analyzed = root;
                var graph = context.GetControlFlowGraph(block);
                var reporter = new FlowDiagnostics(context.ReportDiagnostic, contracts);
                var settings = new FlowSettings(CapturedNames(scan.Functions, root.Syntax), options.LeaksOnExceptionPaths, options.TrackAllDisposables);
                AnalyzeGraph(graph, context.OwningSymbol as IMethodSymbol, contracts, reporter, settings, scan, context);
            }
        }

        private static void AnalyzeGraph(ControlFlowGraph graph, IMethodSymbol? method, ContractProvider contracts, FlowDiagnostics reporter, FlowSettings settings, RelevanceScan scan, OperationBlockAnalysisContext context)
        {
            BodyAnalysis.Run(graph, method, contracts, reporter, settings, context.CancellationToken);

            foreach (var localFunction in graph.LocalFunctions)
            {
                var nested = graph.GetLocalFunctionControlFlowGraph(localFunction, context.CancellationToken);
                AnalyzeGraph(nested, localFunction, contracts, reporter, Nested(settings, nested, scan), scan, context);
            }

            if (!scan.HasLambdas)
            {
                // No lambda in the declaration (the scan saw none): no need to walk every operation looking for one.
                return;
            }

            foreach (var block in graph.Blocks)
            {
                foreach (var lambda in LambdasIn(block))
                {
                    var nested = graph.GetAnonymousFunctionControlFlowGraph(lambda, context.CancellationToken);
                    AnalyzeGraph(nested, lambda.Symbol, contracts, reporter, Nested(settings, nested, scan), scan, context);
                }
            }
        }

        /// <summary>
        /// The settings of a lambda's or local function's own body: the names its nested lambdas use. What it shares with
        /// the enclosing body, BodyAnalysis tells by symbol (a variable declared outside it).
        /// </summary>
        private static FlowSettings Nested(FlowSettings settings, ControlFlowGraph nested, RelevanceScan scan)
        {
            return new FlowSettings(CapturedNames(scan.Functions, nested.OriginalOperation.Syntax), settings.LeaksOnExceptionPaths, settings.TrackAllDisposables);
        }

        /// <summary>The lambdas a block's operations and branch value create (the tests walk bodies as this analyzer does).</summary>
        internal static IEnumerable<IFlowAnonymousFunctionOperation> LambdasIn(BasicBlock block)
        {
            foreach (var operation in block.Operations)
            {
                foreach (var lambda in LambdasIn(operation))
                {
                    yield return lambda;
                }
            }

            if (block.BranchValue is not null)
            {
                foreach (var lambda in LambdasIn(block.BranchValue))
                {
                    yield return lambda;
                }
            }
        }

        private static IEnumerable<IFlowAnonymousFunctionOperation> LambdasIn(IOperation operation)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                if (descendant is IFlowAnonymousFunctionOperation lambda)
                {
                    yield return lambda;
                }
            }
        }

        /// <summary>The body an operation block belongs to; null for attributes, field and parameter initializers.</summary>
        private static IOperation? RootOf(IOperation block)
        {
            if (block is not IBlockOperation && block is not IMethodBodyOperation && block is not IConstructorBodyOperation)
            {
                return null;
            }

            var root = block;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            return root;
        }

        /// <summary>
        /// Names used inside the lambdas and local functions within <paramref name="body"/> (of the scan's
        /// <paramref name="functions"/>, those <paramref name="body"/> contains): variables they may release or keep
        /// behind our back. Only those functions' syntax is walked, not the whole body's.
        /// </summary>
        private static HashSet<string> CapturedNames(IReadOnlyList<SyntaxNode> functions, SyntaxNode body)
        {
            var names = new HashSet<string>();
            foreach (var function in functions)
            {
                if (function == body || function.SyntaxTree != body.SyntaxTree || !body.Span.Contains(function.Span))
                {
                    continue;
                }

                foreach (var node in function.DescendantNodes())
                {
                    if (node is IdentifierNameSyntax name)
                    {
                        names.Add(name.Identifier.ValueText);
                    }
                }
            }

            return names;
        }
    }
}
