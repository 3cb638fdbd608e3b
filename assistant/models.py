"""Cross-stage contracts for the knowledge base: what ingestion produces and retrieval returns."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

DocType = Literal["policy", "report", "self_evaluation", "final_accounts", "other"]


class Chunk(BaseModel):
    """One retrievable piece of a document, with where it sits in the document."""

    id: str = Field(description="Stable id: source hash + position")
    text: str = Field(description="The chunk text (a table chunk repeats its heading and header row)")
    document: str = Field(
        description="Document title, e.g. 数字泉城建设专项资金（公共数据完善提升）绩效评价报告"
    )
    heading_path: list[str] = Field(
        default_factory=list, description="Headings from the top, e.g. ['三、…', '（二）…']"
    )
    position: int = Field(description="Order of the chunk within its document (0-based)")
    source: str = Field(description="Source file name the document came from")
    doc_type: DocType = "other"
    year: int | None = Field(default=None, description="The year the document is about, when known")
    unit: str | None = Field(
        default=None, description="The department/unit the document is about, when known"
    )
    is_table: bool = False
    origin: Literal["builtin", "upload"] = Field(
        default="upload", description="builtin: the shipped corpus; upload: a file a user added"
    )
    added_at: str | None = Field(default=None, description="When the file was added to the index (ISO time)")

    @property
    def section(self) -> str:
        """The heading path as one citation string, e.g. '三、（二）1. 决策指标分析'."""
        return " ".join(self.heading_path)


class Passage(BaseModel):
    """A retrieved chunk with its score, as returned by retrieval."""

    chunk: Chunk
    score: float = Field(description="Fused relevance score (higher is better)")
    ranks: dict[str, int] = Field(
        default_factory=dict, description="Rank in each leg, e.g. {'bm25': 1, 'dense': 3}"
    )


class Citation(BaseModel):
    """A numbered reference in an answer; `quote` occurs verbatim in the document."""

    n: int
    document: str
    section: str
    quote: str
    display: str | None = Field(
        default=None, description="The quote as shown: table rows labelled, LaTeX as text"
    )
    chunk_id: str | None = Field(default=None, description="Id of the cited chunk")
    source: str | None = Field(default=None, description="File name the document came from")
    origin: Literal["builtin", "upload"] | None = Field(
        default=None, description="builtin: the shipped corpus; upload: a file a user added"
    )
    added_at: str | None = Field(default=None, description="When that file was added (ISO time)")

    @property
    def provenance(self) -> str:
        """Where the quote comes from, for users: 内置语料 or 用户上传 with file name and date."""
        if self.origin is None:
            return ""
        kind = "内置语料" if self.origin == "builtin" else "用户上传"
        when = f"，{self.added_at[:10]} 加入" if self.added_at and self.origin == "upload" else ""
        return f"{kind}：{self.source or '未知文件'}{when}"


class Answer(BaseModel):
    """An answer to a rule question, in Chinese, with numbered citations."""

    answer: str
    citations: list[Citation] = Field(default_factory=list)
    found: bool = Field(default=True, description="False when nothing relevant was found (未找到依据)")
