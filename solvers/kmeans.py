"""k-means against a Gaussian mixture on toy datasets where they agree, and where they do not.

k-means (Lloyd's algorithm) minimises the inertia sum_i ||x_i - mu_{c(i)}||^2 by alternating
"assign each point to its nearest centre" and "move each centre to the mean of its points".
Its clusters are the cells of a Voronoi diagram: convex, split by straight lines, and
implicitly of similar spread. Centres start with k-means++ (Arthur & Vassilvitskii 2007:
each new centre drawn with probability proportional to the squared distance to the nearest
chosen one; greedily, the best of 2 + ln k such draws, as scikit-learn does), and the best
of several restarts is kept.

The Gaussian mixture p(x) = sum_j pi_j N(x | mu_j, Sigma_j) with full covariances is fitted
by EM (Dempster, Laird & Rubin 1977), started from the k-means partition (scikit-learn's
default) and from random partitions, keeping the highest likelihood. E step: responsibilities r_ij = pi_j N(x_i | mu_j, Sigma_j) / p(x_i), computed in log
space with a log-sum-exp that subtracts the row maximum. M step: pi_j = N_j/N,
mu_j = sum_i r_ij x_i / N_j, Sigma_j = sum_i r_ij (x_i - mu_j)(x_i - mu_j)^T / N_j + REG_COVAR I
(the regulariser keeps a covariance invertible when a component shrinks onto few points).
Points go to the component with the largest responsibility.

Both partitions are scored against the true labels with the adjusted Rand index
(Hubert & Arabie 1985): from the contingency table n_ij with row sums a_i, column sums b_j,

    ARI = (sum C(n_ij, 2) - E) / ((sum C(a_i, 2) + sum C(b_j, 2))/2 - E),
    E = sum C(a_i, 2) sum C(b_j, 2) / C(n, 2),

so 1 means the same partition up to relabelling and about 0 means chance agreement.

>>> r = solve()
>>> r.inputs["dataset"], r.inputs["k"]
('rings', 2)
>>> round(r.kmeans_ari, 2) < 0.2, round(r.gmm_ari, 2) < 0.2
(True, True)
>>> r2 = solve(dataset="anisotropic")
>>> r2.kmeans_ari < 0.1 < 0.9 < r2.gmm_ari
True
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb
from typing import Any, Sequence

import numpy as np

from solvers.checks import whole
from solvers.result import Plot, Result, SolverInputError, Step, Table, rounded

INPUTS = ("dataset", "k", "n", "seed", "restarts")

# name -> (true number of clusters, what it shows)
DATASETS: dict[str, tuple[int, str]] = {
    "rings": (2, "a ring around a central blob (8.1.2-Q5-iv): same centre, different radius"),
    "blobs": (3, "three round blobs of very different spread (8.1.2-Q7)"),
    "anisotropic": (3, "three blobs stretched by the same linear map: elliptical clusters"),
    "moons": (2, "two interleaved half circles: non-convex clusters"),
}
BOOK = {"dataset": "rings", "k": None, "n": 300, "seed": 0, "restarts": 10}
MAX_N = 5000
MAX_K = 10
MAX_ITER = 300
TOL = 1e-6  # stop EM when the mean log-likelihood gains less than this
REG_COVAR = 1e-6  # added to every covariance diagonal, as scikit-learn's reg_covar
SHOWN_DECIMALS = 3


@dataclass(frozen=True)
class KMeansFit:
    """A k-means solution: labels, centres, inertia and the Lloyd iterations it took."""

    labels: np.ndarray
    centers: np.ndarray
    inertia: float
    iterations: int


@dataclass(frozen=True)
class GMMFit:
    """A fitted Gaussian mixture and the hard labels it assigns."""

    labels: np.ndarray
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    log_likelihood: float  # total over the data
    iterations: int


@dataclass(frozen=True)
class KMeansResult(Result):
    kmeans_ari: float = 0.0
    gmm_ari: float = 0.0
    kmeans_labels: list[int] | None = None
    gmm_labels: list[int] | None = None
    kmeans_inertia: float = 0.0
    gmm_log_likelihood: float = 0.0
    true_labels: list[int] | None = None

    def headline(self) -> str:
        i = self.inputs
        return (
            f"{i['dataset']} (n={i['n']}, k={i['k']}): k-means ARI {self.kmeans_ari:.3f}, "
            f"GMM ARI {self.gmm_ari:.3f} against the true clusters"
        )


def make_dataset(name: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points (n, 2) and true labels (n,) of a named toy dataset, drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    if name == "rings":
        core = n // 3
        angles = rng.uniform(0.0, 2 * np.pi, n - core)
        radii = 4.0 + rng.normal(0.0, 0.3, n - core)
        ring = np.column_stack([radii * np.cos(angles), radii * np.sin(angles)])
        return np.vstack([rng.normal(0.0, 0.6, (core, 2)), ring]), np.repeat([0, 1], [core, n - core])
    if name == "moons":
        half = n // 2
        t_upper, t_lower = rng.uniform(0.0, np.pi, half), rng.uniform(0.0, np.pi, n - half)
        upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
        lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
        points = np.vstack([upper, lower]) + rng.normal(0.0, 0.08, (n, 2))
        return points, np.repeat([0, 1], [half, n - half])
    sizes = [n // 3 + (1 if j < n % 3 else 0) for j in range(3)]
    labels = np.repeat([0, 1, 2], sizes)
    if name == "blobs":
        centres, spreads = np.array([[-3.0, 0.0], [2.5, 2.5], [3.0, -2.0]]), np.array([2.5, 0.5, 0.5])
        return centres[labels] + rng.normal(0.0, 1.0, (n, 2)) * spreads[labels, None], labels
    if name == "anisotropic":  # parallel cigars 1.5 apart across their short axis, turned by 30 degrees
        centres, spread = np.array([[0.0, -1.5], [0.0, 0.0], [0.0, 1.5]]), np.array([3.0, 0.3])
        turn = np.array([[np.cos(np.pi / 6), np.sin(np.pi / 6)], [-np.sin(np.pi / 6), np.cos(np.pi / 6)]])
        return (centres[labels] + rng.normal(0.0, 1.0, (n, 2)) * spread) @ turn, labels
    raise SolverInputError(f"dataset '{name}' is unknown; choose one of {', '.join(DATASETS)}")


def adjusted_rand_index(labels_true: Sequence[Any], labels_pred: Sequence[Any]) -> float:
    """Adjusted Rand index of two labelings from their contingency table (exact integer sums).

    Identical trivial partitions (all in one cluster, or all singletons) score 1, as in
    scikit-learn's ``adjusted_rand_score``.
    """
    if len(labels_true) != len(labels_pred):
        raise SolverInputError(f"labelings differ in length: {len(labels_true)} and {len(labels_pred)}")
    table = contingency(labels_true, labels_pred)
    total = comb(int(table.sum()), 2)
    index = sum(comb(int(v), 2) for v in table.ravel())
    rows = sum(comb(int(v), 2) for v in table.sum(axis=1))
    cols = sum(comb(int(v), 2) for v in table.sum(axis=0))
    # multiply numerator and denominator by 2 * total to stay in integers
    numerator = 2 * total * index - 2 * rows * cols
    denominator = total * (rows + cols) - 2 * rows * cols
    return 1.0 if denominator == 0 else numerator / denominator


def contingency(labels_true: Sequence[Any], labels_pred: Sequence[Any]) -> np.ndarray:
    """Counts n_ij of points with true label i (sorted) and predicted label j (sorted)."""
    _, t = np.unique(np.asarray(labels_true), return_inverse=True)
    _, p = np.unique(np.asarray(labels_pred), return_inverse=True)
    table = np.zeros((t.max(initial=-1) + 1, p.max(initial=-1) + 1), dtype=np.int64)
    np.add.at(table, (t.ravel(), p.ravel()), 1)
    return table


def kmeans_plus_plus(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Greedy k-means++ seeding: each new centre is the best of a few D(x)^2-weighted draws.

    Drawing 2 + ln k candidates and keeping the one that lowers the total squared distance
    most is what scikit-learn does; it avoids most of plain k-means++'s unlucky seeds.
    """
    trials = 2 + int(np.log(k))
    centers = [X[rng.integers(len(X))]]
    d2 = np.sum((X - centers[0]) ** 2, axis=1)
    for _ in range(1, k):
        total = d2.sum()
        if total == 0:  # fewer distinct points than clusters: any point will do
            candidates = rng.integers(len(X), size=trials)
        else:
            candidates = rng.choice(len(X), size=trials, p=d2 / total)
        options = np.minimum(d2[None, :], _sq_distances(X, X[candidates]).T)
        best = int(options.sum(axis=1).argmin())
        centers.append(X[candidates[best]])
        d2 = options[best]
    return np.array(centers)


def lloyd(X: np.ndarray, centers: np.ndarray, max_iter: int = MAX_ITER) -> KMeansFit:
    """Alternate assignment and mean update until the assignment stops changing."""
    centers = centers.astype(float).copy()
    labels = np.full(len(X), -1)
    for iteration in range(1, max_iter + 1):
        d2 = _sq_distances(X, centers)
        new = d2.argmin(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        for j in range(len(centers)):
            members = labels == j
            if members.any():
                centers[j] = X[members].mean(axis=0)
            else:  # an empty cluster takes the point worst served by its centre
                far = d2[np.arange(len(X)), labels].argmax()
                centers[j], labels[far] = X[far], j
                d2[far] = 0.0  # so a second empty cluster takes another point
    d2 = _sq_distances(X, centers)
    labels = d2.argmin(axis=1)
    return KMeansFit(labels, centers, float(d2[np.arange(len(X)), labels].sum()), iteration)


def kmeans(X: np.ndarray, k: int, rng: np.random.Generator, restarts: int) -> tuple[KMeansFit, list[KMeansFit]]:
    """The lowest-inertia fit over ``restarts`` k-means++ starts, and every fit."""
    fits = [lloyd(X, kmeans_plus_plus(X, k, rng)) for _ in range(restarts)]
    return min(fits, key=lambda f: f.inertia), fits


def log_gaussian(X: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """log N(x | mean, cov) for every row of X, through a Cholesky factor of cov."""
    chol = np.linalg.cholesky(cov)
    z = np.linalg.solve(chol, (X - mean).T)
    log_det = 2.0 * np.log(np.diag(chol)).sum()
    return -0.5 * (X.shape[1] * np.log(2 * np.pi) + log_det + np.sum(z**2, axis=0))


def gmm(X: np.ndarray, k: int, starts: list[np.ndarray]) -> tuple[GMMFit, list[GMMFit]]:
    """The highest-likelihood EM fit over several starting partitions, and every fit."""
    fits = [gmm_em(X, labels, k) for labels in starts]
    return max(fits, key=lambda f: f.log_likelihood), fits


def gmm_em(X: np.ndarray, init_labels: np.ndarray, k: int, reg_covar: float = REG_COVAR,
           max_iter: int = MAX_ITER, tol: float = TOL) -> GMMFit:
    """EM for a full-covariance Gaussian mixture, started from a hard partition."""
    resp = np.eye(k)[init_labels]
    previous = -np.inf
    for iteration in range(1, max_iter + 1):
        weights, means, covs = _m_step(X, resp, reg_covar)
        log_joint = np.column_stack([np.log(weights[j]) + log_gaussian(X, means[j], covs[j]) for j in range(k)])
        peak = log_joint.max(axis=1, keepdims=True)
        log_px = peak[:, 0] + np.log(np.exp(log_joint - peak).sum(axis=1))
        resp = np.exp(log_joint - log_px[:, None])
        mean_ll = float(log_px.mean())
        if mean_ll - previous < tol:
            break
        previous = mean_ll
    return GMMFit(resp.argmax(axis=1), weights, means, covs, float(log_px.sum()), iteration)


def solve(dataset: str = BOOK["dataset"], k: int | None = BOOK["k"], n: int = BOOK["n"],
          seed: int = BOOK["seed"], restarts: int = BOOK["restarts"]) -> KMeansResult:
    """Cluster a toy dataset with k-means and with a GMM and score both against the truth.

    Parameters
    ----------
    dataset : one of DATASETS ("rings", "blobs", "anisotropic", "moons")
    k : number of clusters; None = the dataset's true number
    n : number of points (k..5000)
    seed : fixes the data and the k-means++ draws
    restarts : k-means++ restarts (1..50); the lowest inertia wins
    """
    if not isinstance(dataset, str) or dataset.strip().lower() not in DATASETS:
        raise SolverInputError(f"dataset {dataset!r} is unknown; choose one of {', '.join(DATASETS)}")
    dataset = dataset.strip().lower()
    k = DATASETS[dataset][0] if k is None else whole("k", k, 1, MAX_K)
    n = whole("n", n, max(k, 3), MAX_N)
    seed = whole("seed", seed, 0, 2**32 - 1)
    restarts = whole("restarts", restarts, 1, 50)

    X, truth = make_dataset(dataset, n, seed)
    rng = np.random.default_rng([seed, 1])
    best, fits = kmeans(X, k, rng, restarts)
    # EM from the k-means partition (scikit-learn's default) and from random partitions:
    # from k-means alone it often stays in the k-means local optimum
    mixture, mixtures = gmm(X, k, [best.labels] + [rng.integers(0, k, n) for _ in range(restarts - 1)])
    km_ari, gmm_ari = adjusted_rand_index(truth, best.labels), adjusted_rand_index(truth, mixture.labels)
    clusters = tuple(f"cluster {j + 1}" for j in range(k))
    classes = tuple(f"true {c + 1}" for c in range(DATASETS[dataset][0]))
    steps = (
        Step("data", "Dataset", f"{dataset}: {DATASETS[dataset][1]}; {n} points", note=f"drawn with seed={seed}"),
        Step("true_plot", "True clusters", _scatter(f"{dataset}: true clusters", X, truth)),
        Step("restarts", "k-means++ restarts", Table(
            ("Lloyd iterations", "inertia"),
            tuple((f.iterations, rounded(f.inertia, SHOWN_DECIMALS)) for f in fits),
            tuple(f"start {i + 1}" + (" (best)" if f is best else "") for i, f in enumerate(fits)),
        ), "inertia = sum_i ||x_i - mu_c(i)||^2", "Lloyd's algorithm only reaches a local minimum; keep the best start"),
        Step("kmeans_centers", "k-means centres", Table(("x", "y"), _rows(best.centers), clusters),
             "mu_j = mean of the points assigned to j"),
        Step("kmeans_inertia", "k-means inertia", rounded(best.inertia, SHOWN_DECIMALS), "sum_i ||x_i - mu_c(i)||^2"),
        Step("kmeans_contingency", "True class against k-means cluster",
             Table(clusters, tuple(tuple(map(int, row)) for row in contingency(truth, best.labels)), classes)),
        Step("kmeans_ari", "Adjusted Rand index of k-means", round(km_ari, 4),
             "ARI = (sum C(n_ij,2) - E) / ((sum C(a_i,2) + sum C(b_j,2))/2 - E)", "1 = same partition, ~0 = chance"),
        Step("kmeans_plot", "k-means clusters", _scatter(f"{dataset}: k-means (k={k})", X, best.labels)),
        Step("gmm_starts", "EM starts", Table(
            ("EM iterations", "log-likelihood"),
            tuple((f.iterations, rounded(f.log_likelihood, SHOWN_DECIMALS)) for f in mixtures),
            tuple(("k-means partition" if i == 0 else f"random {i}") + (" (best)" if f is mixture else "")
                  for i, f in enumerate(mixtures)),
        ), "EM climbs the likelihood to a local maximum; keep the best start"),
        Step("gmm_params", "GMM components", Table(
            ("weight", "mean x", "mean y", "var x", "cov xy", "var y"),
            tuple(tuple(rounded(v, SHOWN_DECIMALS) for v in (w, m[0], m[1], c[0, 0], c[0, 1], c[1, 1]))
                  for w, m, c in zip(mixture.weights, mixture.means, mixture.covariances)),
            clusters,
        ), f"pi_j = N_j/N, mu_j = sum r_ij x_i / N_j, Sigma_j = sum r_ij (x_i - mu_j)(x_i - mu_j)^T / N_j + {REG_COVAR:g} I"),
        Step("gmm_log_likelihood", "GMM log-likelihood", rounded(mixture.log_likelihood, SHOWN_DECIMALS),
             "sum_i log sum_j pi_j N(x_i | mu_j, Sigma_j)",
             f"{mixture.log_likelihood / n:.4f} per point after {mixture.iterations} EM iterations"),
        Step("gmm_contingency", "True class against GMM component",
             Table(clusters, tuple(tuple(map(int, row)) for row in contingency(truth, mixture.labels)), classes)),
        Step("gmm_ari", "Adjusted Rand index of the GMM", round(gmm_ari, 4), "ARI as above",
             "points go to the component with the largest responsibility"),
        Step("gmm_plot", "GMM clusters", _scatter(f"{dataset}: GMM (k={k})", X, mixture.labels)),
        Step("verdict", "Which fits", _verdict(dataset, km_ari, gmm_ari)),
    )
    return KMeansResult(
        kmeans_ari=km_ari,
        gmm_ari=gmm_ari,
        kmeans_labels=best.labels.tolist(),
        gmm_labels=mixture.labels.tolist(),
        kmeans_inertia=best.inertia,
        gmm_log_likelihood=mixture.log_likelihood,
        true_labels=truth.tolist(),
        inputs={"dataset": dataset, "k": k, "n": n, "seed": seed, "restarts": restarts},
        steps=steps,
    )


def random_inputs(seed: int) -> dict[str, Any]:
    """A dataset, a fresh data seed and a modest size; k stays the dataset's true count."""
    rng = np.random.default_rng(seed)
    return {
        "dataset": str(rng.choice(list(DATASETS))),
        "k": None,
        "n": int(rng.integers(10, 31)) * 10,
        "seed": int(rng.integers(0, 100_000)),
        "restarts": 10,
    }


def _m_step(X: np.ndarray, resp: np.ndarray, reg_covar: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    counts = resp.sum(axis=0) + 10 * np.finfo(float).eps  # an emptied component must not divide by 0
    means = resp.T @ X / counts[:, None]
    covs = np.empty((resp.shape[1], X.shape[1], X.shape[1]))
    for j in range(resp.shape[1]):
        diff = X - means[j]
        covs[j] = (resp[:, j, None] * diff).T @ diff / counts[j] + reg_covar * np.eye(X.shape[1])
    return counts / len(X), means, covs


def _sq_distances(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    return np.sum((X[:, None, :] - centers[None, :, :]) ** 2, axis=2)


def _verdict(dataset: str, km_ari: float, gmm_ari: float) -> str:
    if max(km_ari, gmm_ari) < 0.5:
        better = "neither model fits"
    elif abs(gmm_ari - km_ari) <= 0.05:
        better = "both fit about equally"
    else:
        better = "the GMM fits better" if gmm_ari > km_ari else "k-means fits better"
    why = {
        "rings": "a straight boundary cannot separate a ring from the blob it surrounds, so each k-means "
                 "cluster mixes ring and core; EM's best fit is not two concentric Gaussians either; a radius feature, spectral clustering or DBSCAN "
                 "separate them",
        "blobs": "k-means places boundaries halfway between centres, so the wide blob loses its outer points "
                 "to the narrow ones; the GMM learns each spread",
        "anisotropic": "k-means assumes round clusters; a full covariance follows the stretch",
        "moons": "neither model is made for non-convex shapes; use DBSCAN or spectral clustering",
    }[dataset]
    return f"{better} (ARI {km_ari:.2f} for k-means, {gmm_ari:.2f} for the GMM): {why}"


def _scatter(title: str, X: np.ndarray, labels: np.ndarray) -> Plot:
    series = tuple(
        (f"cluster {j + 1}", *(tuple(rounded(v, SHOWN_DECIMALS) for v in X[labels == j, axis]) for axis in (0, 1)))
        for j in np.unique(labels)
    )
    return Plot(title, series, kind="scatter", xlabel="x", ylabel="y")


def _rows(matrix: np.ndarray) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(rounded(v, SHOWN_DECIMALS) for v in row) for row in matrix)


