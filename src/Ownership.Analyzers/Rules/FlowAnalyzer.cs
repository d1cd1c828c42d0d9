using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
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
            context.RegisterOperationBlockStartAction(start => Watch(start, contracts));
        }

        /// <summary>
        /// Scans a declaration's operations as the driver walks them, and analyses its body at the end if they touch a
        /// resource. The scan sees all of the declaration's blocks: with more than one body, all are analysed or none.
        /// </summary>
        private static void Watch(OperationBlockStartAnalysisContext context, ContractProvider contracts)
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

            var trackAllDisposables = contracts.IsOptionOn(tree, Options.TrackAllDisposables);
            var scan = new RelevanceScan(contracts, trackAllDisposables);
            context.RegisterOperationAction(scan.Visit, RelevanceScan.Kinds);
            context.RegisterOperationBlockEndAction(end =>
            {
                if (scan.MayHoldResources)
                {
                    AnalyzeBlock(end, contracts, tree, trackAllDisposables);
                }
            });
        }

        private static void AnalyzeBlock(OperationBlockAnalysisContext context, ContractProvider contracts, SyntaxTree tree, bool trackAllDisposables)
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
                var captured = CapturedNames(root.Syntax, out var hasLambdas);
                var reporter = new FlowDiagnostics(context.ReportDiagnostic, contracts);
                var settings = new FlowSettings(captured, contracts.IsOptionOn(tree, Options.LeaksOnExceptionPaths), trackAllDisposables);
                AnalyzeGraph(graph, context.OwningSymbol as IMethodSymbol, contracts, reporter, settings, hasLambdas, context);
            }
        }

        private static void AnalyzeGraph(ControlFlowGraph graph, IMethodSymbol? method, ContractProvider contracts, FlowDiagnostics reporter, FlowSettings settings, bool hasLambdas, OperationBlockAnalysisContext context)
        {
            BodyAnalysis.Run(graph, method, contracts, reporter, settings, context.CancellationToken);

            foreach (var localFunction in graph.LocalFunctions)
            {
                var nested = graph.GetLocalFunctionControlFlowGraph(localFunction, context.CancellationToken);
                AnalyzeGraph(nested, localFunction, contracts, reporter, Nested(settings, nested), hasLambdas, context);
            }

            if (!hasLambdas)
            {
                // No lambda in the body's syntax: no need to walk every operation looking for one.
                return;
            }

            foreach (var block in graph.Blocks)
            {
                foreach (var lambda in LambdasIn(block))
                {
                    var nested = graph.GetAnonymousFunctionControlFlowGraph(lambda, context.CancellationToken);
                    AnalyzeGraph(nested, lambda.Symbol, contracts, reporter, Nested(settings, nested), hasLambdas, context);
                }
            }
        }

        /// <summary>
        /// The settings of a lambda's or local function's own body: the names its nested lambdas use. What it shares with
        /// the enclosing body, BodyAnalysis tells by symbol (a variable declared outside it).
        /// </summary>
        private static FlowSettings Nested(FlowSettings settings, ControlFlowGraph nested)
        {
            return new FlowSettings(CapturedNames(nested.OriginalOperation.Syntax, out _), settings.LeaksOnExceptionPaths, settings.TrackAllDisposables);
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

        /// <summary>Names used inside the lambdas and local functions within <paramref name="body"/>: variables they may release or keep behind our back.</summary>
        private static HashSet<string> CapturedNames(SyntaxNode body, out bool hasLambdas)
        {
            var names = new HashSet<string>();
            hasLambdas = false;
            foreach (var node in body.DescendantNodes())
            {
                // Query clauses are lambdas too, in the operation tree.
                hasLambdas |= node is AnonymousFunctionExpressionSyntax || node is QueryExpressionSyntax;
                if (node is AnonymousFunctionExpressionSyntax || node is LocalFunctionStatementSyntax)
                {
                    foreach (var identifier in node.DescendantNodes())
                    {
                        if (identifier is IdentifierNameSyntax name)
                        {
                            names.Add(name.Identifier.ValueText);
                        }
                    }
                }
            }

            return names;
        }
    }
}
