"""Settings: defaults, overridden by CLAUSETRACE_* environment variables and CLI flags."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Where things live and how retrieval and answering behave."""

    model_config = SettingsConfigDict(env_prefix="CLAUSETRACE_", extra="forbid")

    sources_file: Path = Field(default=REPO_ROOT / "corpus" / "sources.toml", description="Corpus catalogue")
    corpus_dir: Path = Field(default=Path("corpus/raw"), description="Fetched documents")
    index_dir: Path = Field(default=Path("index"), description="Index root (generations + CURRENT pointer)")
    keep_generations: int = Field(default=3, ge=1, description="Index generations kept (pinned ones too)")
    cache_dir: Path = Field(default=Path(".cache"), description="Embedding cache")
    mirror: Path | None = Field(default=None, description="Local mirror folder used by fetch")
    model: str = Field(
        default="minilm-gb-tuned",
        description="Embedding model name (the base model with GB-tuned top layers and question adapter)",
    )
    max_node_words: int = Field(default=180, description="Split clauses longer than this")
    k: int = Field(default=5, description="Clauses cited per answer at most")
    candidates: int = Field(default=30, description="Candidates per retriever before fusion")
    rrf_k: int = Field(default=30, description="Reciprocal-rank-fusion constant")
    dense_weight: float = Field(default=0.5, description="Weight of the dense ranking in RRF")
    bm25_weight: float = Field(default=1.5, description="Weight of the BM25 ranking in RRF")
    expansion_weight: float = Field(
        default=0.5, description="Weight in RRF of BM25 over the question's thesaurus expansions"
    )
    fusion: Literal["rrf", "score"] = Field(
        default="rrf", description="Fusion of the dense and BM25 rankings: reciprocal rank or min-max scores"
    )
    fusion_alpha: float = Field(default=0.35, description="Dense share of score fusion")
    follow_references: int = Field(
        default=0, description="Add the clauses the top N fused clauses refer to (0: off)"
    )
    ranker: str = Field(
        default="gb-lambdarank", description="Learned ranker over the fused clauses ('' = none)"
    )
    max_sentences: int = Field(
        default=5, description="Quoted sentences (and clauses cited) per answer at most"
    )
    list_sentences: int = Field(
        default=5, description="Quoted sentences at most for who / may / list / impact questions"
    )
    sentence_cutoff: float = Field(
        default=0.7, description="Quote a clause only if its best sentence scores this share of the top one"
    )
    list_sentence_cutoff: float = Field(
        default=0.6, description="The same share for who / may / list / impact questions"
    )
    max_question_chars: int = Field(default=2000, description="Longest question accepted")
    review_db: Path | None = Field(
        default=None,
        description="SQLite file of obligation reviews and findings (default: reviews.sqlite3 beside "
        "the index folder, so a rebuilt index keeps them)",
    )

    def review_path(self) -> Path:
        """Where reviews live: ``review_db``, else ``reviews.sqlite3`` next to the index folder."""
        return self.review_db or Path(self.index_dir).resolve().parent / "reviews.sqlite3"
