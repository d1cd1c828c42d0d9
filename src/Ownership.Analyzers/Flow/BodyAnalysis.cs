using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Ownership.Analyzers.Contracts;

namespace Ownership.Analyzers.Flow
{
    /// <summary>
    /// The forward dataflow over one body's <see cref="ControlFlowGraph"/>: a round-robin fixpoint over the blocks,
    /// then one more pass with the final states that reports. <c>finally</c> regions are run inline on every branch
    /// that leaves through them; catch handlers start from the join of every state inside their <c>try</c>.
    /// </summary>
    internal sealed partial class BodyAnalysis
    {
        /// <summary>Room for resources in a body's first analysis; enough for almost every body.</summary>
        private const int SmallCapacity = 16;

        private readonly ControlFlowGraph graph;
        private readonly IMethodSymbol? method;
        private readonly ContractProvider contracts;
        private readonly IFlowReport report;
        private readonly CancellationToken cancellationToken;
        private readonly Dictionary<ISymbol, int> variableIndex = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
        private readonly Dictionary<CaptureId, int> captureIndex = new Dictionary<CaptureId, int>();
        private readonly HashSet<CaptureId> newValueCaptures = new HashSet<CaptureId>();
        private readonly Dictionary<CaptureId, IOperation> storageCaptures = new Dictionary<CaptureId, IOperation>();
        private readonly Dictionary<ISymbol, int> flagIndex = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
        private readonly Dictionary<CaptureId, ISymbol> flagCaptures = new Dictionary<CaptureId, ISymbol>();
        private readonly HashSet<CaptureId> unsteadyCaptures = new HashSet<CaptureId>();
        private readonly HashSet<ILocalSymbol> patternLocals = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        private ulong unsteadyFlags;
        private readonly Dictionary<IPropertySymbol, IFieldSymbol?> backingFields = new Dictionary<IPropertySymbol, IFieldSymbol?>(SymbolEqualityComparer.Default);
        private readonly List<object> variables = new List<object>();

        // The parameters (of the first 64 variables, where the method's own come first) that the body's graph names.
        private ulong namedParameters;
        private readonly List<Resource> resources = new List<Resource>();
        private readonly Dictionary<object, int> resourceBySite = new Dictionary<object, int>();
        private readonly Dictionary<IOperation, ulong> tryAcquisitions = new Dictionary<IOperation, ulong>();
        private readonly HashSet<string> capturedNames;
        private readonly bool leaksOnExceptionPaths;
        private readonly bool trackAllDisposables;
        private readonly HashSet<(int, int, int)> reported;
        private readonly bool[] isFinallyBlock;
        private readonly bool[] isInTryWithCatch;
        private readonly Dictionary<IOperation, bool> mayThrow = new Dictionary<IOperation, bool>();
        private HashSet<ISymbol>? storedIntoFieldsOfThis;
        private bool? takesAddressesInFrame;
        private FlowState?[] inStates = Array.Empty<FlowState?>();
        private bool[] dirty = Array.Empty<bool>();
        private bool joiningHandlers;
        private bool handlersChanged;
        private readonly ExclusiveGuards guards;
        private readonly int resourceCapacity;
        private readonly List<FlowState> scratchStates = new List<FlowState>();
        private readonly bool onePassWithoutLoops;
        private int scratchInUse;
        private bool reporting;
        private bool outOfRoom;

        private BodyAnalysis(ControlFlowGraph graph, IMethodSymbol? method, ContractProvider contracts, IFlowReport report, FlowSettings settings, int resourceCapacity, HashSet<(int, int, int)> reported, bool onePassWithoutLoops, CancellationToken cancellationToken)
        {
            this.reported = reported;
            this.onePassWithoutLoops = onePassWithoutLoops;
            this.resourceCapacity = resourceCapacity;
            capturedNames = settings.CapturedNames;
            leaksOnExceptionPaths = settings.LeaksOnExceptionPaths;
            trackAllDisposables = settings.TrackAllDisposables;
            this.graph = graph;
            this.method = method;
            this.contracts = contracts;
            this.report = report;
            this.cancellationToken = cancellationToken;
            isFinallyBlock = new bool[graph.Blocks.Length];
            isInTryWithCatch = new bool[graph.Blocks.Length];
            guards = new ExclusiveGuards(graph.OriginalOperation.Syntax, graph.OriginalOperation.SemanticModel);
            foreach (var block in graph.Blocks)
            {
                for (var region = block.EnclosingRegion; region is not null; region = Outer(region))
                {
                    if (region.Kind == ControlFlowRegionKind.Finally)
                    {
                        isFinallyBlock[block.Ordinal] = true;
                        break;
                    }

                    if (region.Kind == ControlFlowRegionKind.Try && region.EnclosingRegion?.Kind == ControlFlowRegionKind.TryAndCatch)
                    {
                        isInTryWithCatch[block.Ordinal] = true;
                    }
                }
            }
        }

        /// <summary>
        /// Analyzes one body (a method, a lambda or a local function) and reports through <paramref name="report"/>.
        /// With <paramref name="onePassWithoutLoops"/> false, a body without loops too runs to its fixpoint before a
        /// separate reporting pass: the findings are the same either way, and the tests compare the two.
        /// </summary>
        public static void Run(ControlFlowGraph graph, IMethodSymbol? method, ContractProvider contracts, IFlowReport report, FlowSettings settings, CancellationToken cancellationToken, bool onePassWithoutLoops = true)
        {
            // Most bodies hold a handful of resources: their states have room for 16, a quarter of the bytes to copy at
            // every branch. A body that needs more is analysed again from the start. Up to the resource that did not fit,
            // both runs compute the same states: what the first reported before it, the second finds at the same places,
            // so the second starts from the first's record of what was reported and reports each finding once.
            var reported = new HashSet<(int, int, int)>();
            if (!new BodyAnalysis(graph, method, contracts, report, settings, SmallCapacity, reported, onePassWithoutLoops, cancellationToken).Run())
            {
                new BodyAnalysis(graph, method, contracts, report, settings, FlowState.MaxResources, reported, onePassWithoutLoops, cancellationToken).Run();
            }
        }

        private int VariableCount => variables.Count;

        /// <summary>
        /// False when the body needs more resources than the states have room for: nothing was reported past the
        /// resource that did not fit.
        /// </summary>
        private bool Run()
        {
            CollectVariables();
            var blocks = graph.Blocks;
            inStates = new FlowState?[blocks.Length];
            inStates[0] = CreateEntryState();

            // A body without loops (every branch goes to a later block) is run once, in block order, reporting as it
            // goes: each block's input is final by the time the block runs. Any other body runs to its fixpoint first,
            // then once more to report.
            var inOrder = onePassWithoutLoops && BranchesOnlyForward();
            reporting = inOrder;

            // Round-robin in block order reaches the fixpoint quickly on the reducible graphs C# produces; a block is run
            // again only when its input changed since its last run, since the same input gives the same output.
            var scratch = new FlowState(VariableCount, resourceCapacity);
            dirty = new bool[blocks.Length];
            dirty[0] = true;
            joiningHandlers = true;
            var changed = true;
            var passes = 0;
            while (changed && passes++ < 50 && !outOfRoom)
            {
                changed = false;
                foreach (var block in blocks)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var input = inStates[block.Ordinal];
                    if (input is null || isFinallyBlock[block.Ordinal] || !dirty[block.Ordinal])
                    {
                        continue;
                    }

                    dirty[block.Ordinal] = false;
                    handlersChanged = false;
                    if (MayThrowAtStart(block))
                    {
                        JoinIntoHandlers(block, input);
                    }

                    // The block runs on a scratch copy of its input: whatever is kept of it is cloned (sink, handlers, exit).
                    ProcessBlock(block, scratch.CopyFrom(input), (destination, state) =>
                    {
                        if (!isFinallyBlock[destination.Ordinal])
                        {
                            changed |= JoinIntoBlock(PastKnownFlagTests(destination, state).Ordinal, state);
                        }
                    });
                    changed |= handlersChanged;
                }

                if (inOrder)
                {
                    break;
                }
            }

            if (WillRunAgain)
            {
                return false;
            }

            // The reporting pass joins nothing into handlers: their inputs are final.
            joiningHandlers = false;
            if (!inOrder)
            {
                reporting = true;
                foreach (var block in blocks)
                {
                    var input = inStates[block.Ordinal];
                    if (input is not null && !isFinallyBlock[block.Ordinal])
                    {
                        ProcessBlock(block, scratch.CopyFrom(input), (_, _) => { });
                    }
                }
            }

            JudgeExit();
            return true;
        }

        /// <summary>
        /// Where a state bound for <paramref name="destination"/> goes on: past a block that only tests a flag whose value
        /// the state knows, to the branch that value takes. The paths of a retry loop (<c>do { … retry = false; } catch {
        /// socket.Dispose(); retry = true; } while (retry);</c>) then do not meet at the test, where which of them released
        /// the socket would be lost: the one that leaves the loop holds a live socket.
        /// </summary>
        private BasicBlock PastKnownFlagTests(BasicBlock destination, FlowState state)
        {
            // A few tests in a row at most (while (!done && !failed) is two blocks); each hop goes to another block.
            for (var hops = 0; hops < 4; hops++)
            {
                if (!destination.Operations.IsEmpty || destination.ConditionalSuccessor is null || MayThrowAtStart(destination) ||
                    KnownFlagValue(destination.BranchValue, state) is not bool value)
                {
                    break;
                }

                var taken = value == (destination.ConditionKind == ControlFlowConditionKind.WhenTrue)
                    ? destination.ConditionalSuccessor
                    : destination.FallThroughSuccessor;

                // A branch that leaves a region or runs a finally does more than go to its block: it is followed as written.
                if (taken?.Destination is not { Kind: BasicBlockKind.Block } next || !taken.FinallyRegions.IsEmpty ||
                    !taken.LeavingRegions.IsEmpty || isFinallyBlock[next.Ordinal])
                {
                    break;
                }

                destination = next;
            }

            return destination;
        }

        /// <summary>The value of a followed flag (or its negation) on every path that reaches here with <paramref name="state"/>; null when it may be either.</summary>
        private bool? KnownFlagValue(IOperation? condition, FlowState state)
        {
            switch (condition)
            {
                case IConversionOperation conversion:
                    return KnownFlagValue(conversion.Operand, state);
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return !KnownFlagValue(not.Operand, state);
            }

            var flag = FlagOf(condition);
            if (flag < 0)
            {
                return null;
            }

            var bit = 1UL << flag;
            var mayBeTrue = (state.MayBeTrue & bit) != 0;
            return mayBeTrue == ((state.MayBeFalse & bit) != 0) ? null : mayBeTrue;
        }

        /// <summary>Out of room with a larger run to come: whatever this run would report now, that run reports.</summary>
        private bool WillRunAgain => outOfRoom && resourceCapacity < FlowState.MaxResources;

        /// <summary>
        /// Whether every branch between the blocks the main loop runs goes to a later block. <c>finally</c> blocks are
        /// run inline, to their own fixpoint, and catch handlers come after their <c>try</c> in block order.
        /// </summary>
        private bool BranchesOnlyForward()
        {
            foreach (var block in graph.Blocks)
            {
                if (isFinallyBlock[block.Ordinal])
                {
                    continue;
                }

                foreach (var predecessor in block.Predecessors)
                {
                    if (predecessor.Source.Ordinal >= block.Ordinal && !isFinallyBlock[predecessor.Source.Ordinal])
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        /// <summary>
        /// Whether a catch handler may start at the beginning of <paramref name="block"/>: it opens a <c>try</c> (whatever
        /// the try does, its handler may see the state it started from), its first operation may throw, or it has none
        /// and ends in a throw or a condition that calls something. Every later point where one may start is joined into
        /// the handlers as the block runs; a block inside the <c>try</c> that cannot throw before its first operation's
        /// effects (<c>_clientSocket = socket; socket2?.Close(); … break;</c>) hands them nothing.
        /// </summary>
        private bool MayThrowAtStart(BasicBlock block)
        {
            if (!isInTryWithCatch[block.Ordinal])
            {
                return false;
            }

            for (var region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
            {
                if (region.Kind == ControlFlowRegionKind.Try && region.FirstBlockOrdinal == block.Ordinal)
                {
                    return true;
                }
            }

            return block.Operations.IsEmpty ? MayThrowAtEnd(block) : MayThrow(block.Operations[0]);
        }

        /// <summary>Whether <paramref name="block"/> ends in a throw, or in a condition that calls something.</summary>
        private bool MayThrowAtEnd(BasicBlock block)
        {
            var semantics = block.FallThroughSuccessor?.Semantics ?? ControlFlowBranchSemantics.None;
            return semantics is ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow ||
                   (block.BranchValue is not null && MayThrow(block.BranchValue));
        }

        /// <summary>Runs one block's operations and hands the state on each outgoing branch to <paramref name="sink"/>.</summary>
        private FlowState ProcessBlock(BasicBlock block, FlowState state, Action<BasicBlock, FlowState> sink)
        {
            var leaveByException = reporting && leaksOnExceptionPaths;
            var joinHandlers = isInTryWithCatch[block.Ordinal] && joiningHandlers;
            for (var i = 0; i < block.Operations.Length; i++)
            {
                var operation = block.Operations[i];
                if ((leaveByException || (joinHandlers && i > 0)) && MayThrow(operation))
                {
                    if (leaveByException)
                    {
                        LeaveByException(block, state);
                    }

                    if (joinHandlers && i > 0)
                    {
                        // A catch handler may start here, before this operation's effects; the state before the block's
                        // first operation was joined as its input when MayThrowAtStart says so. What the last one did
                        // reaches no handler: nothing after it in the block can throw.
                        JoinIntoHandlers(block, state);
                    }
                }

                RunStatement(operation, state);
                if (DoesNotReturn(operation))
                {
                    // ThrowHelper.ThrowInvalidOperation(), ExceptionDispatchInfo.Throw(): the path ends here, by an
                    // exception (left above when the option asks for exception paths); a catch handler still gets it.
                    return state;
                }
            }

            var semantics = block.FallThroughSuccessor?.Semantics ?? ControlFlowBranchSemantics.None;
            if (joinHandlers && !block.Operations.IsEmpty && MayThrowAtEnd(block))
            {
                // A throw, or a condition that calls something: the state here may reach a handler too.
                JoinIntoHandlers(block, state);
            }

            if (block.BranchValue is null)
            {
                FollowBranch(block, block.FallThroughSuccessor, state, sink, null);
                return state;
            }

            if (block.ConditionalSuccessor is null)
            {
                var acquired = BeginStatement();
                var value = Evaluate(block.BranchValue, state);
                if (semantics == ControlFlowBranchSemantics.Return)
                {
                    Returned(block.BranchValue, value, state);
                }
                else if (semantics == ControlFlowBranchSemantics.Throw)
                {
                    Escape(value, state);
                }

                EndStatement(acquired, state);
                FollowBranch(block, block.FallThroughSuccessor, state, sink, block.BranchValue);
                return state;
            }

            var branchAcquired = BeginStatement();
            Evaluate(block.BranchValue, state);
            EndStatement(branchAcquired, state);
            var whenConditional = RentScratch().CopyFrom(state);
            var conditionalWhen = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
            Refine(block.BranchValue, conditionalWhen, whenConditional);
            Refine(block.BranchValue, !conditionalWhen, state);
            FollowBranch(block, block.ConditionalSuccessor, whenConditional, sink, block.BranchValue);
            ReturnScratch();
            FollowBranch(block, block.FallThroughSuccessor, state, sink, block.BranchValue);
            return state;
        }

        /// <summary>
        /// A state to work on until the matching <see cref="ReturnScratch"/>: whatever is kept of it is cloned (the
        /// sinks do). Rented and returned in nested order, since a branch may run a <c>finally</c> that rents its own.
        /// </summary>
        private FlowState RentScratch()
        {
            if (scratchInUse == scratchStates.Count)
            {
                scratchStates.Add(new FlowState(VariableCount, resourceCapacity));
            }

            return scratchStates[scratchInUse++];
        }

        private void ReturnScratch()
        {
            scratchInUse--;
        }

        private void FollowBranch(BasicBlock source, ControlFlowBranch? branch, FlowState state, Action<BasicBlock, FlowState> sink, IOperation? exitOperation)
        {
            if (branch is null || state.Unreachable)
            {
                // No path takes a branch whose flag test cannot hold.
                return;
            }

            foreach (var finallyRegion in branch.FinallyRegions)
            {
                state = RunFinally(finallyRegion, state);
            }

            var destination = branch.Destination;
            if (destination is null)
            {
                // Leaving by an exception: leaks there are reported only when the option asks for them.
                return;
            }

            // Where a path leaves matters only to the messages of the pass that reports: no Location on every branch of
            // every fixpoint pass.
            var exit = reporting ? (exitOperation ?? LastOperation(source))?.Syntax.GetLocation() : null;
            if (destination.Kind == BasicBlockKind.Exit)
            {
                ReachExit(state, reporting && exitOperation is null ? EndOfBody() ?? exit : exit);
            }
            else if (!branch.LeavingRegions.IsEmpty)
            {
                LeaveRegions(branch.LeavingRegions, state, exit);
            }

            sink(destination, state);
        }

        /// <summary>Runs a <c>finally</c> region to its own fixpoint on <paramref name="input"/>; returns the state after it.</summary>
        private FlowState RunFinally(ControlFlowRegion region, FlowState input)
        {
            var blocks = graph.Blocks;
            var first = region.FirstBlockOrdinal;
            var regionInStates = new FlowState?[region.LastBlockOrdinal - first + 1];
            regionInStates[0] = input.Clone();
            FlowState? result = null;
            var changed = true;
            var passes = 0;
            while (changed && passes++ < 20)
            {
                changed = false;
                for (var ordinal = first; ordinal <= region.LastBlockOrdinal; ordinal++)
                {
                    var blockInput = regionInStates[ordinal - first];
                    if (blockInput is null)
                    {
                        continue;
                    }

                    var block = blocks[ordinal];
                    var output = ProcessBlock(block, RentScratch().CopyFrom(blockInput), (destination, state) =>
                    {
                        if (destination.Ordinal < first || destination.Ordinal > region.LastBlockOrdinal)
                        {
                            return;
                        }

                        var existing = regionInStates[destination.Ordinal - first];
                        if (existing is null)
                        {
                            regionInStates[destination.Ordinal - first] = state.Clone();
                            changed = true;
                        }
                        else
                        {
                            changed |= existing.JoinWith(state);
                        }
                    });

                    if (block.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.StructuredExceptionHandling && !output.Unreachable)
                    {
                        if (result is null)
                        {
                            result = output.Clone();
                            changed = true;
                        }
                        else
                        {
                            changed |= result.JoinWith(output);
                        }
                    }

                    ReturnScratch();
                }
            }

            return result ?? input;
        }

        /// <summary>
        /// The region around <paramref name="region"/> within this body's graph; null past its root. The graph of a lambda
        /// or local function has a root whose enclosing region is its parent's: the parent's <c>try</c>, <c>catch</c> and
        /// <c>finally</c> do not belong to it.
        /// </summary>
        private ControlFlowRegion? Outer(ControlFlowRegion region)
        {
            return ReferenceEquals(region, graph.Root) ? null : region.EnclosingRegion;
        }

        /// <summary>
        /// A catch handler may start anywhere in its <c>try</c>: join every state seen there into its entry, after the
        /// <c>finally</c> blocks (a <c>using</c>'s dispose) the exception runs on its way out.
        /// </summary>
        private void JoinIntoHandlers(BasicBlock block, FlowState state)
        {
            if (state.Unreachable)
            {
                return;
            }

            for (var region = block.EnclosingRegion; region is not null; region = Outer(region))
            {
                if (region.Kind == ControlFlowRegionKind.Try && region.EnclosingRegion?.Kind == ControlFlowRegionKind.TryAndFinally)
                {
                    state = RunFinally(region.EnclosingRegion.NestedRegions[1], state);
                    continue;
                }

                if (region.Kind != ControlFlowRegionKind.Try || region.EnclosingRegion?.Kind != ControlFlowRegionKind.TryAndCatch)
                {
                    continue;
                }

                foreach (var sibling in region.EnclosingRegion.NestedRegions)
                {
                    if (sibling.Kind != ControlFlowRegionKind.Catch && sibling.Kind != ControlFlowRegionKind.FilterAndHandler)
                    {
                        continue;
                    }

                    handlersChanged |= JoinIntoBlock(sibling.FirstBlockOrdinal, state);
                }
            }
        }

        /// <summary>Joins <paramref name="state"/> into a block's input; true (and the block to run again) when it changed.</summary>
        private bool JoinIntoBlock(int ordinal, FlowState state)
        {
            var existing = inStates[ordinal];
            if (existing is null)
            {
                inStates[ordinal] = state.Clone();
            }
            else if (!existing.JoinWith(state))
            {
                return false;
            }

            dirty[ordinal] = true;
            return true;
        }

        /// <summary>With the option on: an exception here runs the enclosing <c>finally</c> blocks and leaves the body, unless caught.</summary>
        private void LeaveByException(BasicBlock block, FlowState current)
        {
            var state = current.Clone();
            for (var region = block.EnclosingRegion; region is not null; region = Outer(region))
            {
                if (region.Kind != ControlFlowRegionKind.Try || region.EnclosingRegion is null)
                {
                    continue;
                }

                if (region.EnclosingRegion.Kind == ControlFlowRegionKind.TryAndCatch)
                {
                    return;
                }

                if (region.EnclosingRegion.Kind == ControlFlowRegionKind.TryAndFinally)
                {
                    state = RunFinally(region.EnclosingRegion.NestedRegions[1], state);
                }
            }

            LeaveBody(state, null, LeakKind.ExceptionPath);
        }

        /// <summary>A call statement to a method marked <c>[DoesNotReturn]</c>: it always throws (or ends the process).</summary>
        private static bool DoesNotReturn(IOperation statement)
        {
            if (statement is not IExpressionStatementOperation { Operation: IInvocationOperation invocation })
            {
                return false;
            }

            foreach (var attribute in invocation.TargetMethod.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "DoesNotReturnAttribute" } attributeClass &&
                    attributeClass.ContainingNamespace?.ToDisplayString() == "System.Diagnostics.CodeAnalysis")
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A statement that calls something other than a deallocator may throw.</summary>
        private bool MayThrow(IOperation statement)
        {
            // Asked again on every pass over a try block: answered once per statement.
            if (!mayThrow.TryGetValue(statement, out var answer))
            {
                answer = CallsOtherThanRelease(statement);
                mayThrow.Add(statement, answer);
            }

            return answer;
        }

        private bool CallsOtherThanRelease(IOperation statement)
        {
            foreach (var operation in statement.DescendantsAndSelf())
            {
                var target = operation switch
                {
                    IInvocationOperation invocation => invocation.TargetMethod,
                    IObjectCreationOperation creation => creation.Constructor,
                    _ => null,
                };
                if (target is not null && !contracts.GetMethod(target).ReleasesSomething)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The closing brace of the body, where falling off its end leaves it.</summary>
        private Location? EndOfBody()
        {
            var syntax = graph.OriginalOperation.Syntax;
            var body = syntax as BlockSyntax ?? syntax.ChildNodes().OfType<BlockSyntax>().FirstOrDefault();
            return body?.CloseBraceToken.GetLocation();
        }

        private static IOperation? LastOperation(BasicBlock block)
        {
            return block.BranchValue ?? (block.Operations.IsEmpty ? null : block.Operations[block.Operations.Length - 1]);
        }

        /// <summary>
        /// True in the reporting pass, the first time a rule fires at a place for a resource. The callers report
        /// directly, not through a lambda, since a lambda's captures cost an allocation on every call of its method.
        /// </summary>
        private bool IsFirstReport(int ruleKey, IOperation? at, int resource)
        {
            return reporting && !WillRunAgain && reported.Add((ruleKey, at?.Syntax.SpanStart ?? -1, resource));
        }
    }
}
