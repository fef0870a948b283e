"""`drill solve NAME`: a worked solution of a book exercise, or of your own inputs.

Every subcommand only maps its options to the solver's input names; `_emit` does the rest
(inputs from --input or --random, the solver run, and the table or JSON output).
"""


from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from drill.cli import build_command
from drill.cli.options import JsonOpt, SeedOpt

# The solver subcommands are registered on `commands` and built by typer one at a time, on demand.
commands = typer.Typer()


class SolveGroup(TyperGroup):
    def list_commands(self, ctx: Any) -> list[str]:
        return [info.name for info in commands.registered_commands if info.name]

    def get_command(self, ctx: Any, name: str) -> Any:
        return build_command(commands, name)


app = typer.Typer(
    cls=SolveGroup,
    help="Worked solutions of the book's exercises, every step shown. Run alone to list the solvers.",
    invoke_without_command=True,
    no_args_is_help=False,
)

InputOpt = Annotated[Optional[str], typer.Option("--input", help="YAML/JSON file (or - for stdin) with the inputs.")]
RandomOpt = Annotated[bool, typer.Option("--random", help="Solve a fresh random instance (see --seed).")]
StepsOpt = Annotated[bool, typer.Option("--steps/--no-steps", help="Show every step, or only the answer.")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="solve")


@app.callback()
def solve_root(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    if ctx.invoked_subcommand is not None:
        return
    import solvers

    if json_out:
        import json

        typer.echo(json.dumps({n: s for n, (_, s) in solvers.REGISTRY.items()}, indent=1))
        return
    from rich.table import Table

    from drill.view import out

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("solver", style="bold cyan")
    table.add_column("what it computes")
    for name, (_, summary) in solvers.REGISTRY.items():
        table.add_row(name, summary)
    out().print(table)
    out().print("\nRun `drill solve NAME` for the book's exercise, `drill solve NAME --help` for its inputs.",
                style="dim")


def _emit(name: str, options: dict[str, Any], *, input_file: str | None, random: bool, seed: int | None,
          json_out: bool, steps: bool, prepare: Any = None) -> None:
    """Gather the inputs, let ``prepare`` adjust them (e.g. a file name into its lines), solve, print."""
    from drill.solving import gather_inputs, result_json, run

    inputs = gather_inputs(name, options, input_file=input_file, random=random, seed=seed)
    if prepare is not None:
        inputs = prepare(inputs)
    result = run(name, inputs)
    if json_out:
        typer.echo(result_json(result))
        return
    from drill.view import out
    from drill.view.steps import worked

    out().print(worked(result, steps=steps))


def _csv(value: Optional[str]) -> Optional[list[str]]:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


@commands.command("tfidf")
def tfidf(
    docs: Annotated[Optional[str], typer.Option("--docs", help="File with one document per line (D1, D2, ...), - for stdin.")] = None,
    doc: Annotated[Optional[list[str]], typer.Option("--doc", help="A document (repeatable).")] = None,
    query: Annotated[Optional[str], typer.Option(help="The query text.")] = None,
    terms: Annotated[Optional[str], typer.Option(help="Comma-separated vocabulary to restrict to.")] = None,
    tf: Annotated[Optional[str], typer.Option(help="raw | log | binary")] = None,
    idf: Annotated[Optional[str], typer.Option(help="plain ln(N/df) | smooth ln((1+N)/(1+df))+1 | log10")] = None,
    norm: Annotated[Optional[str], typer.Option(help="l2 (cosine) | none")] = None,
    top: Annotated[Optional[int], typer.Option(help="Show the best K documents.")] = None,
    stem: Annotated[Optional[bool], typer.Option("--stem/--no-stem", help="Snowball stemming.")] = None,
    stop_words: Annotated[Optional[bool], typer.Option("--stop-words/--no-stop-words", help="Drop English stop words.")] = None,
    input_file: InputOpt = None, random: RandomOpt = False, seed: SeedOpt = None,
    json_out: JsonOpt = False, steps: StepsOpt = True,
) -> None:
    """Rank documents against a query by TF-IDF cosine similarity (8.2.1-Q5)."""
    from drill.errors import InputError
    from drill.solving import TextLines, stdin_lines

    if docs is not None and doc:
        raise InputError("give documents with --docs FILE or --doc TEXT, not both")
    corpus: Any = list(doc) if doc else None
    if docs is not None:
        corpus = stdin_lines() if docs == "-" else TextLines(docs)  # the solver reads its docs in one pass
    _emit("tfidf", dict(docs=corpus, query=query, terms=_csv(terms), tf=tf, idf=idf, norm=norm, top=top,
                        stem=stem, stop_words=stop_words),
          input_file=input_file, random=random, seed=seed, json_out=json_out, steps=steps, prepare=_docs_file)


def _docs_file(inputs: dict[str, Any]) -> dict[str, Any]:
    """In an --input mapping, `docs: FILE` (what --json records for a large corpus) names a file."""
    from drill.solving import TextLines

    if isinstance(inputs.get("docs"), str):
        return {**inputs, "docs": TextLines(inputs["docs"])}
    return inputs


@commands.command("naive-bayes")
def naive_bayes(
    train: Annotated[Optional[str], typer.Option("--train", help="File of 'label<TAB>text' lines, - for stdin.")] = None,
    example: Annotated[Optional[list[str]], typer.Option("--example", help="A training example 'label: text' (repeatable).")] = None,
    query: Annotated[Optional[str], typer.Option(help="The text to classify.")] = None,
    model: Annotated[Optional[str], typer.Option(help="multinomial | bernoulli")] = None,
    alpha: Annotated[Optional[float], typer.Option(help="Laplace/Lidstone smoothing.")] = None,
    stem: Annotated[Optional[bool], typer.Option("--stem/--no-stem", help="Snowball stemming.")] = None,
    input_file: InputOpt = None, random: RandomOpt = False, seed: SeedOpt = None,
    json_out: JsonOpt = False, steps: StepsOpt = True,
) -> None:
    """Classify a text with Naive Bayes, priors to posteriors (8.1.2-Q12)."""
    from drill.errors import InputError

    if train is not None and example:
        raise InputError("give training examples with --train FILE or --example, not both")
    examples: Any = list(example) if example else None
    if train is not None:
        from solvers.naive_bayes import parse_examples
        from solvers.result import SolverInputError

        from drill.solving import read_lines, stdin_lines

        try:
            examples = parse_examples(stdin_lines() if train == "-" else read_lines(train))  # streamed, bounded
        except SolverInputError as exc:
            raise InputError(f"{'stdin' if train == '-' else train}: {exc}") from None
    _emit("naive-bayes", dict(examples=examples, query=query, model=model, alpha=alpha, stem=stem),
          input_file=input_file, random=random, seed=seed, json_out=json_out, steps=steps)


EdgesOpt = Annotated[Optional[str], typer.Option(help="Edges 'A-B,B-C:2.5' (weight after ':').")]


@commands.command("adjacency")
def adjacency(
    edges: EdgesOpt = None,
    directed: Annotated[Optional[bool], typer.Option("--directed/--undirected", help="A-B means A to B.")] = None,
    nodes: Annotated[Optional[str], typer.Option(help="Comma-separated node order (default: sorted).")] = None,
    input_file: InputOpt = None, random: RandomOpt = False, seed: SeedOpt = None,
    json_out: JsonOpt = False, steps: StepsOpt = True,
) -> None:
    """Adjacency matrix and degrees of a graph given as an edge list (8.1.2-Q9)."""
    _emit("adjacency", dict(edges=edges, directed=directed, nodes=_csv(nodes)),
          input_file=input_file, random=random, seed=seed, json_out=json_out, steps=steps)


@commands.command("isomorphism")
def isomorphism(
    g1: Annotated[Optional[str], typer.Option("--g1", help="Edges of the first graph.")] = None,
    g2: Annotated[Optional[str], typer.Option("--g2", help="Edges of the second graph.")] = None,
    directed: Annotated[Optional[bool], typer.Option("--directed/--undirected")] = None,
    nodes1: Annotated[Optional[str], typer.Option("--nodes1", help="Nodes of the first graph (adds isolated ones).")] = None,
    nodes2: Annotated[Optional[str], typer.Option("--nodes2", help="Nodes of the second graph.")] = None,
    input_file: InputOpt = None, random: RandomOpt = False, seed: SeedOpt = None,
    json_out: JsonOpt = False, steps: StepsOpt = True,
) -> None:
    """Are two graphs isomorphic? The mapping and P with P A1 P^T = A2 (8.1.2-Q9-iii)."""
    if (g1 is None) != (g2 is None):
        from drill.errors import InputError

        raise InputError("give both --g1 and --g2 (or neither, for the book's two graphs)")
    _emit("isomorphism", dict(g1=g1, g2=g2, directed=directed, nodes1=_csv(nodes1), nodes2=_csv(nodes2)),
          input_file=input_file, random=random, seed=seed, json_out=json_out, steps=steps)


@commands.command("levenshtein")
def levenshtein(
    word1: Annotated[Optional[str], typer.Argument(help="Source word.")] = None,
    word2: Annotated[Optional[str], typer.Argument(help="Target word.")] = None,
    input_file: InputOpt = None, random: RandomOpt = False, seed: SeedOpt = None,
    json_out: JsonOpt = False, steps: StepsOpt = True,
) -> None:
    """Edit distance with its DP table and one optimal edit script (8.2.1-Q9)."""
    from drill.errors import InputError

    if (word1 is None) != (word2 is None):
        raise InputError("give two words, e.g. drill solve levenshtein doctor bottle")
    _emit("levenshtein", dict(word1=word1, word2=word2),
          input_file=input_file, random=random, seed=seed, json_out=json_out, steps=steps)


@commands.command("conv")
def conv(
    input: Annotated[Optional[str], typer.Option("--input-shape", "--shape", help="Input H x W x C, e.g. 32x32x64.")] = None,
    layers: Annotated[Optional[str], typer.Option(help="Stack spec, e.g. 'conv3x3s1p1c64,pool2s2'.")] = None,
    compare: Annotated[Optional[str], typer.Option(help="Alternative stacks to compare, separated by ';'.")] = None,
    bias: Annotated[Optional[bool], typer.Option("--bias/--no-bias", help="Count bias parameters.")] = None,
    input_file: InputOpt = None, random: RandomOpt = False, seed: SeedOpt = None,
    json_out: JsonOpt = False, steps: StepsOpt = True,
) -> None:
    """Shapes, parameters, multiply-adds and receptive field of a conv/pool stack (8.2.2-Q7, Q8)."""
    alternatives = None if compare is None else [c.strip() for c in compare.split(";") if c.strip()]
    _emit("conv", dict(input=input, layers=layers, compare=alternatives, bias=bias),
          input_file=input_file, random=random, seed=seed, json_out=json_out, steps=steps)


@commands.command("depthwise")
def depthwise(
    c_in: Annotated[Optional[int], typer.Option("--c-in", help="Input channels.")] = None,
    c_out: Annotated[Optional[int], typer.Option("--c-out", help="Output channels.")] = None,
    k: Annotated[Optional[int], typer.Option("-k", "--k", help="Kernel size.")] = None,
    h: Annotated[Optional[int], typer.Option("--h", help="Output height.")] = None,
    w: Annotated[Optional[int], typer.Option("--w", help="Output width.")] = None,
    bias: Annotated[Optional[bool], typer.Option("--bias/--no-bias")] = None,
    input_file: InputOpt = None, random: RandomOpt = False, seed: SeedOpt = None,
    json_out: JsonOpt = False, steps: StepsOpt = True,
) -> None:
    """Standard versus depthwise-separable convolution: parameters, MACs, ratio (8.2.2-Q9)."""
    _emit("depthwise", dict(c_in=c_in, c_out=c_out, k=k, h=h, w=w, bias=bias),
          input_file=input_file, random=random, seed=seed, json_out=json_out, steps=steps)


@commands.command("sampling")
def sampling(
    n: Annotated[Optional[int], typer.Option("-n", "--n", help="Examples (and draws).")] = None,
    trials: Annotated[Optional[int], typer.Option(help="Simulated epochs.")] = None,
    sim_seed: Annotated[Optional[int], typer.Option("--sim-seed", help="Seed of the simulation.")] = None,
    input_file: InputOpt = None, random: RandomOpt = False, seed: SeedOpt = None,
    json_out: JsonOpt = False, steps: StepsOpt = True,
) -> None:
    """Chance an example is never drawn in n draws with replacement, (1-1/n)^n -> 1/e (8.3-Q11)."""
    _emit("sampling", dict(n=n, trials=trials, seed=sim_seed),
          input_file=input_file, random=random, seed=seed, json_out=json_out, steps=steps)


@commands.command("activations")
def activations(
    points: Annotated[Optional[str], typer.Option(help="Comma-separated x values.")] = None,
    alpha: Annotated[Optional[float], typer.Option(help="Leaky ReLU slope.")] = None,
    input_file: InputOpt = None, random: RandomOpt = False, seed: SeedOpt = None,
    json_out: JsonOpt = False, steps: StepsOpt = True,
) -> None:
    """Sigmoid, tanh, ReLU, leaky ReLU, GELU: values, derivatives, Jacobian, plots (8.3-Q4)."""
    from drill.errors import InputError

    xs = None
    if points is not None:
        try:
            xs = [float(p) for p in _csv(points) or []]
        except ValueError:
            raise InputError(f"--points: expected comma-separated numbers, got {points!r}") from None
    _emit("activations", dict(points=xs, alpha=alpha),
          input_file=input_file, random=random, seed=seed, json_out=json_out, steps=steps)


@commands.command("optimize")
def optimize(
    condition: Annotated[Optional[float], typer.Option(help="Condition number of the quadratic.")] = None,
    lr: Annotated[Optional[float], typer.Option(help="Learning rate.")] = None,
    max_steps: Annotated[Optional[int], typer.Option("--steps-max", help="Iterations at most.")] = None,
    scale: Annotated[Optional[bool], typer.Option("--scale/--no-scale", help="Feature scaling.")] = None,
    optimizers: Annotated[Optional[str], typer.Option(help="Comma-separated: sgd,momentum,adagrad,rmsprop,adam.")] = None,
    input_file: InputOpt = None, random: RandomOpt = False, seed: SeedOpt = None,
    json_out: JsonOpt = False, steps: StepsOpt = True,
) -> None:
    """Gradient descent and adaptive optimisers on an ill-conditioned quadratic (8.3-Q13, Q19, Q20)."""
    _emit("optimize", dict(condition=condition, lr=lr, steps=max_steps, scale=scale, optimizers=_csv(optimizers)),
          input_file=input_file, random=random, seed=seed, json_out=json_out, steps=steps)


@commands.command("xor")
def xor(
    activation: Annotated[Optional[str], typer.Option(help="relu | step | sigmoid")] = None,
    input_file: InputOpt = None, random: RandomOpt = False, seed: SeedOpt = None,
    json_out: JsonOpt = False, steps: StepsOpt = True,
) -> None:
    """The smallest network computing XOR, its truth table verified (8.3-Q22-Q24)."""
    _emit("xor", dict(activation=activation),
          input_file=input_file, random=random, seed=seed, json_out=json_out, steps=steps)


@commands.command("backprop")
def backprop(
    n: Annotated[Optional[int], typer.Option("-n", "--n", help="Examples.")] = None,
    d: Annotated[Optional[int], typer.Option("-d", "--d", help="Input features.")] = None,
    h: Annotated[Optional[int], typer.Option("--h", help="Hidden units.")] = None,
    c: Annotated[Optional[int], typer.Option("-c", "--c", help="Outputs.")] = None,
    keep: Annotated[Optional[float], typer.Option(help="Dropout keep probability (1 = no dropout).")] = None,
    net_seed: Annotated[Optional[int], typer.Option("--net-seed", help="Seed of the example and the mask.")] = None,
    input_file: InputOpt = None, random: RandomOpt = False, seed: SeedOpt = None,
    json_out: JsonOpt = False, steps: StepsOpt = True,
) -> None:
    """Two-layer ReLU net with inverted dropout: forward, backward, gradient check (8.3-Q3)."""
    _emit("backprop", dict(n=n, d=d, h=h, c=c, keep=keep, seed=net_seed),
          input_file=input_file, random=random, seed=seed, json_out=json_out, steps=steps)


@commands.command("kmeans")
def kmeans(
    dataset: Annotated[Optional[str], typer.Option(help="rings | blobs | anisotropic | moons")] = None,
    k: Annotated[Optional[int], typer.Option("-k", "--k", help="Clusters.")] = None,
    n: Annotated[Optional[int], typer.Option("-n", "--n", help="Points.")] = None,
    data_seed: Annotated[Optional[int], typer.Option("--data-seed", help="Seed of the dataset.")] = None,
    input_file: InputOpt = None, random: RandomOpt = False, seed: SeedOpt = None,
    json_out: JsonOpt = False, steps: StepsOpt = True,
) -> None:
    """k-means versus a Gaussian mixture on toy datasets, with scatter plots (8.1.2-Q5, Q7)."""
    _emit("kmeans", dict(dataset=dataset, k=k, n=n, seed=data_seed),
          input_file=input_file, random=random, seed=seed, json_out=json_out, steps=steps)
