"""sklearn baselines for `npm run bench:train` (scripts/bench/train.mjs).

Reads a JSON job from argv[1]: {"train": csv, "test": csv, "target": col, "columns": [{"name", "type"}], "models": [...]}
and prints one JSON line per model: {"model", "accuracy", "fit_seconds"} (or {"model", "error"}); "rf100_seeds" is the
forest over seeds 0-4: mean accuracy with "min" and "max".
Preprocessing: numeric -> median impute + StandardScaler; categorical -> OneHotEncoder(handle_unknown=ignore);
text -> TfidfVectorizer (defaults). Both files are plain CSV with a header; '' means missing.
"""
import csv
import json
import sys
import time
import warnings

try:
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
except ImportError as e:  # reported by the bench as "sklearn unavailable"
    print(json.dumps({"error": f"sklearn not importable: {e}"}))
    sys.exit(0)

warnings.filterwarnings("ignore")


def read(path, columns, target):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    X = {}
    for c in columns:
        vals = [r[c["name"]] for r in rows]
        if c["type"] == "numeric":
            X[c["name"]] = np.array([float(v) if v != "" else np.nan for v in vals], dtype=float)
        else:
            X[c["name"]] = np.array([v if v != "" else "(missing)" for v in vals], dtype=object)
    y = np.array([r[target] for r in rows], dtype=object)
    return X, y


def to_frame(X, columns):
    # A 2-D object array; ColumnTransformer selects columns by position.
    return np.column_stack([X[c["name"]] for c in columns]).astype(object)


def main():
    job = json.load(open(sys.argv[1]))
    columns, target = job["columns"], job["target"]
    Xtr, ytr = read(job["train"], columns, target)
    Xte, yte = read(job["test"], columns, target)
    parts = []
    for i, c in enumerate(columns):
        if c["type"] == "numeric":
            parts.append((f"num{i}", Pipeline([("imp", SimpleImputer(strategy="median")), ("sc", StandardScaler())]), [i]))
        elif c["type"] == "text":
            parts.append((f"txt{i}", TfidfVectorizer(), i))
        else:
            parts.append((f"cat{i}", OneHotEncoder(handle_unknown="ignore"), [i]))
    A, B = to_frame(Xtr, columns), to_frame(Xte, columns)
    # Numeric blocks need float input: convert inside a copy.
    def prep():
        return ColumnTransformer(parts, sparse_threshold=0.3)
    models = {
        "logreg": lambda: LogisticRegression(max_iter=1000),
        "mlp64": lambda: MLPClassifier(hidden_layer_sizes=(64,), random_state=0, max_iter=300),
        "rf100": lambda: RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1),
    }
    for name in job.get("models", list(models)):
        if name == "rf100_seeds":
            # The forest's spread over seeds 0-4: one seed's score can be a lucky (or unlucky) draw.
            try:
                accs, fits = [], []
                for seed in range(5):
                    t0 = time.perf_counter()
                    pipe = Pipeline([("prep", prep()), ("clf", RandomForestClassifier(n_estimators=100, random_state=seed, n_jobs=1))])
                    pipe.fit(A, ytr)
                    fits.append(time.perf_counter() - t0)
                    accs.append(float((pipe.predict(B) == yte).mean()))
                print(json.dumps({"model": name, "accuracy": sum(accs) / len(accs), "min": min(accs), "max": max(accs), "fit_seconds": sum(fits) / len(fits)}), flush=True)
            except Exception as e:
                print(json.dumps({"model": name, "error": str(e).splitlines()[0]}), flush=True)
            continue
        try:
            t0 = time.perf_counter()
            pipe = Pipeline([("prep", prep()), ("clf", models[name]())])
            pipe.fit(A, ytr)
            fit = time.perf_counter() - t0
            acc = float((pipe.predict(B) == yte).mean())
            print(json.dumps({"model": name, "accuracy": acc, "fit_seconds": fit}), flush=True)
        except Exception as e:  # one model failing should not hide the others
            print(json.dumps({"model": name, "error": str(e).splitlines()[0]}), flush=True)


if __name__ == "__main__":
    main()
