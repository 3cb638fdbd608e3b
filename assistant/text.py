"""The one text module (文本处理): how Chinese text is normalised, tokenised, cut into sentences and read for
numbers, shared by retrieval, answering, grounding and the checker.

- ``nfkc`` / ``norm`` — NFKC (full-width digits and ％ become ASCII); ``norm`` also drops all whitespace: how
  quotes, sentences and passages are compared.
- ``STOPWORDS`` / ``QUESTION_WORDS`` / ``Tokenizer`` — jieba search-mode tokens with the domain dictionary; the
  index is built with ``STOPWORDS``; a question additionally loses ``QUESTION_WORDS`` (咋, 啥, 能得…).
- ``sentence_spans`` / ``split_sentences`` — sentences (and lines) as verbatim slices of the text.
- ``numbers_in`` / ``number_mentions`` — digit numbers with value, unit and position (linear time).
- ``SYNONYM_GROUPS`` / ``synonyms_of`` / ``expand_terms`` — staff words ↔ the documents' words.
- ``rewrite_query`` — staff phrasings rewritten to the documents' wording for searching (钱花得慢 → 预算执行率低).
- ``correct_typos`` — homophone typos (IME slips) fixed against the domain vocabulary: 预算执形率 → 预算执行率.
- ``latex_to_text`` — ``$\\geq 90\\%$`` → ``≥90%``: what a person reads.

Every pattern here is linear in the input (no nested quantifiers): user text goes through it.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

# ---------------------------------------------------------------- normalisation

_SPACE = re.compile(r"\s+")


def nfkc(text: str) -> str:
    """Unicode NFKC: full-width digits, letters and ％ become ASCII; ideographs are unchanged."""
    return unicodedata.normalize("NFKC", text)


def norm(text: str) -> str:
    """NFKC with all whitespace removed: how sentences, quotes and passages are compared."""
    return _SPACE.sub("", nfkc(text))


def one_line(text: str) -> str:
    """The text's lines joined by one space, each stripped."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


# ---------------------------------------------------------------- tokens

STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 对 为 把 被 将 就 都 也 而 并 其 之 中 上 下 个 这 那 有 无 不 吗 呢 吧 啊 "
    "怎么 怎样 怎么样 如何 什么 哪些 哪个 多少 几 是否 能否 可以 应该 一般 请问 请 我 我们 你 他们 "
    "一下 一些 什么样 为什么 么 怎么办 哪里 吗 时候".split()
)
"""Function words and question words that carry no topic; kept out of the keyword index."""

QUESTION_WORDS = frozenset(
    "咋 咋样 啥 啥样 嘛 呀 哦 哈 能 能得 得 得到 拿 算 算是 算出 算出来 来 出来 分别 一共 到底 究竟 "
    "还是 还 要 需要 多 多大 几分 几成 具体 那个 这个 这项 那项 一项 该 个 是不是 有没有 会 就是 "
    "怎么算 怎么写 怎么办 咋办 咋算 咋写 为啥 干嘛 一般来说 通常 知道 告诉 问 想 下 情况 几成 哪几 几个 "
    "多少钱 几年 啥样 的话 第几 排第几 差不多 基本上 几乎 挺 特别 很多 有点 一些 "
    "会不会 不会 能不能 行不行 可不可以 才能 咋整 咋弄 咋填 怎么填 如何填 填 咋样 会咋样 咋扣 "
    "还有 还能 还给 最后 开头 前面 后面 里面 里头 那部分 这部分 总共 总计 举个 之类 啥的 什么的 活儿 活 事儿 东西 玩意 玩意儿 那栏 这栏 那一栏 这一栏 对上 对得上 别的 这样 那样".split()
)
"""Words of a question that say how it is asked, not what about; dropped from a question's terms (on top of
``STOPWORDS``) so that 咋算分 and 怎么计分 weigh the same."""

ASKING_WORDS = frozenset(
    "公式 标准 规定 办法 方法 要求 流程 步骤 计算 规则 口径 依据 含义 意思 区别 例子 举例 解释 说明 考核 "
    "打分 给分 算分 计分 评分 扣 扣分 得分 分数 分数段 一栏 部分 方面 情况 表述 写法 比例 结果 "
    "低于 高于 超过 超出 超标 达标 达到 不到 没到 未达到 不够 完成 没有 存在 能否 可以 事项 事情 比如 例如 对应 "
    "一般 通常 平时 具体 原因 描述 说法 怎么说 问题 内容 计算公式 评分标准 评分规则 档次 档 分档 各档 哪档 等次 "
    "各个 各自 影响 影响评分 影响打分 以上 以下 以内 及以上".split()
)
"""Words that say what kind of answer is wanted (公式, 扣分, 评分标准…) or compare (低于, 超过), not what the
question is about: a passage need not repeat them to answer, and their absence from the knowledge base says
nothing about its coverage."""


@cache
def is_asking_word(word: str) -> bool:
    """True for a word that only says what kind of answer is wanted: one of ``ASKING_WORDS`` or a compound of
    them and question words (计算方法, 评分办法, 扣分标准)."""
    if word in ASKING_WORDS:
        return True
    if len(word) < 3:
        return False
    known = ASKING_WORDS | QUESTION_WORDS
    reach = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        reach[end] = any(reach[start] and word[start:end] in known for start in range(max(0, end - 4), end))
    return reach[-1]


_TOKEN_OK = re.compile(r"[\w%％]", re.UNICODE)

_JIEBA: dict[tuple[str, ...], Any] = {}
_JIEBA_LOCK = threading.Lock()


def _jieba_with(terms: tuple[str, ...]):
    """One loaded jieba dictionary per term list and process (loading costs about a second)."""
    with _JIEBA_LOCK:
        tokenizer = _JIEBA.get(terms)
        if tokenizer is None:
            import logging

            import jieba

            logging.getLogger("jieba").setLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for term in terms:
                tokenizer.add_word(term, freq=20000)
            _JIEBA[terms] = tokenizer
        return tokenizer


class Tokenizer:
    """jieba search-mode tokens with the domain dictionary, lower-cased, without punctuation and stopwords."""

    def __init__(self, domain_terms: Iterable[str] = ()) -> None:
        self._terms = tuple(sorted({t.strip() for t in domain_terms if t and t.strip()}))
        self._jieba = None

    @property
    def terms(self) -> tuple[str, ...]:
        """The domain words added to jieba's dictionary."""
        return self._terms

    def __call__(self, text: str) -> list[str]:
        if self._jieba is None:
            self._jieba = _jieba_with(self._terms)
        text = nfkc(text).lower()
        return [
            tok
            for tok in (t.strip() for t in self._jieba.cut_for_search(text))
            if tok and tok not in STOPWORDS and _TOKEN_OK.search(tok)
        ]


_ASKING_PREFIX = ("咋", "啥", "怎么", "如何", "怎样")


def word_tag(word: str, domain_terms: Iterable[str] = ()) -> str | None:
    """jieba's part-of-speech tag of a dictionary word (n, v, m, f…); 'x' for a domain term; None for a word
    jieba's dictionary does not hold (a piece its HMM guessed, such as 分得)."""
    if word in set(domain_terms):
        return "x"
    tags = _word_tags()
    if word in tags and _word_count(word) <= RARE_ENTRY_COUNT and not _compound_of_words(word):
        return None  # one of the dictionary's filler entries (写点, 会扣, 分解成): its tag is a guess
    return tags.get(word)


RARE_ENTRY_COUNT = 3
"""jieba's dictionary holds about 160 000 two-or-more-character entries counted 3 or less. Many are phrase pieces
with a default noun tag (写点, 会扣 are 'n': a word and a loose character); others are compounds of common words
(审计报告 = 审计 + 报告, 事业单位 = 事业 + 单位) and name things. A rare entry keeps its tag only when common
words of two or more characters make it up whole."""


def _compound_of_words(word: str) -> bool:
    """``word`` is made up whole of dictionary words of two or more characters counted above ``RARE_ENTRY_COUNT``."""
    reach = [True] + [False] * len(word)
    for end in range(2, len(word) + 1):
        reach[end] = any(
            reach[start] and _word_count(word[start:end]) > RARE_ENTRY_COUNT
            for start in range(0, end - 1)
            if (start, end) != (0, len(word))
        )
    return reach[-1]


def _word_count(word: str) -> int:
    import jieba

    if not jieba.dt.initialized:
        _word_tags()
    return jieba.dt.FREQ.get(word, 0)


@cache
def _word_tags() -> dict[str, str]:
    """jieba's dictionary of part-of-speech tags (loaded once)."""
    import jieba.posseg

    return jieba.posseg.POSTokenizer(jieba.dt).word_tag_tab if jieba.dt.initialized else _load_tags()


def _load_tags() -> dict[str, str]:
    import jieba
    import jieba.posseg

    jieba.dt.initialize()
    return jieba.posseg.POSTokenizer(jieba.dt).word_tag_tab


NAMING_TAGS = frozenset({"n", "nz", "nt", "ns", "nr", "nrt", "nrfg", "ng", "j", "vn", "eng", "x", "s", "nl"})
"""jieba part-of-speech tags of words that name a thing (nouns, names, abbreviations, domain terms)."""


def is_colloquial(word: str) -> bool:
    """True for a word that names no thing: a verb, adverb or adjective by jieba's dictionary, or a piece its HMM
    guessed (钱花, 干完) — how a question is phrased rather than what it is about."""
    if not all("\u4e00" <= c <= "\u9fff" for c in word):
        return False
    tag = word_tag(word)
    return tag is None or tag not in NAMING_TAGS


def question_terms(tokens: Sequence[str]) -> list[str]:
    """A question's tokens without the words that only make it a question (``QUESTION_WORDS``); a token that
    jieba glued to a question word (咋算分) loses it (算分)."""
    out = []
    for token in tokens:
        for prefix in _ASKING_PREFIX:
            if token.startswith(prefix) and len(token) > len(prefix) + 1:
                token = token[len(prefix) :]
                break
        if token not in QUESTION_WORDS and token not in STOPWORDS:
            out.append(token)
    return out


def term_groups(tokens: Sequence[str]) -> list[tuple[str, list[str]]]:
    """Search-mode tokens grouped under the longest token containing them: 预算执行率 with 预算, 执行, 执行率;
    不及格 with 不及, 及格. A question word counts once, by its longest form, however jieba cut it."""
    distinct = list(dict.fromkeys(t for t in tokens if t))
    heads = [t for t in distinct if not any(t != o and t in o for o in distinct)]
    groups = []
    for head in heads:
        parts = [t for t in distinct if t != head and t in head]
        groups.append((head, parts))
    return groups


# ---------------------------------------------------------------- sentences

SENTENCE_END = "。！？；!?;"
"""Characters that end a sentence."""
_SENTENCE_BREAK = re.compile(r"(?<=[。！？；!?;])|\n+")


def sentence_spans(text: str, *, lines: bool = True, semicolons: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, whitespace around it excluded. With ``lines`` a line break also
    ends a sentence (a table row is a line); without ``semicolons`` a ；/; does not (a rule's tiers
    "≥90%，得满分；85%–90%，得4.5分；…" stay one sentence)."""
    pattern = _PATTERNS[(lines, semicolons)]
    spans = []
    start = 0
    for match in pattern.finditer(text):
        end = match.start() if match.group() else match.end()
        spans.append((start, end))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


_PATTERNS = {
    (True, True): _SENTENCE_BREAK,
    (False, True): re.compile(r"(?<=[。！？；!?;])"),
    (True, False): re.compile(r"(?<=[。！？!?])|\n+"),
    (False, False): re.compile(r"(?<=[。！？!?])"),
}


def split_sentences(text: str, *, lines: bool = True, semicolons: bool = True) -> list[str]:
    """Sentences of ``text`` (punctuation kept with its sentence), each a verbatim slice, stripped."""
    return [text[a:b] for a, b in sentence_spans(text, lines=lines, semicolons=semicolons)]


# ---------------------------------------------------------------- numbers

_NUMBER = re.compile(r"(?<!\d)(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
UNITS = (
    "%", "‰", "万元", "亿元", "元", "分钟", "分", "人次", "个月", "个", "次", "人", "份", "篇", "项", "家",
    "条", "台", "套", "期", "天", "小时", "月", "年", "日", "户", "件", "场", "批", "名", "位", "处", "座",
    "页", "倍", "GB", "TB", "ms", "MS", "s",
)  # fmt: skip
"""Units read after a number, longest first where one is a prefix of another (万元 before 元, 个月 before 个)."""


@dataclass(frozen=True)
class NumberSpan:
    """A digit number found in a text."""

    value: Decimal
    """Its value (thousands separators dropped): 1,614.05 → 1614.05."""
    raw: str
    """As written (after NFKC)."""
    start: int
    end: int
    """Offsets in the NFKC text (equal to the original's for full-width digits and ASCII)."""
    unit: str
    """The unit right after it (see ``UNITS``), or ''."""

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


def number_mentions(text: str) -> list[NumberSpan]:
    """Every digit number in ``text`` (NFKC), with its unit and offsets, in order."""
    text = nfkc(text)
    out = []
    for match in _NUMBER.finditer(text):
        raw = match.group()
        try:
            value = Decimal(raw.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern only matches valid decimals
            continue
        rest = text[match.end() : match.end() + 3].lstrip(" ")
        unit = next((u for u in UNITS if rest.startswith(u)), "")
        out.append(NumberSpan(value=value, raw=raw, start=match.start(), end=match.end(), unit=unit))
    return out


def numbers_in(text: str) -> set[Decimal]:
    """Values of the digit numbers in ``text`` (NFKC, thousands separators dropped), normalised so that 95 and
    95.0 are one value."""
    text = _THOUSANDS.sub("", nfkc(text))
    out = set()
    for raw in _NUMBER.findall(text):
        try:
            out.add(Decimal(raw.replace(",", "")).normalize())
        except InvalidOperation:  # pragma: no cover
            continue
    return out


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = "[零〇一二两三四五六七八九十百千万]"
_SPOKEN = re.compile(
    rf"百分之(?P<pct>{_CN_RUN}+(?:点[零〇一二三四五六七八九]+)?)"
    r"|(?P<tenth>[一二三四五六七八九十])成(?P<tenth2>[一二三四五六七八九])?(?![本果员立功为])"
    rf"|(?<![第每哪这那某同统唯任逐单])(?P<num>[一二两三四五六七八九十]{_CN_RUN}*(?:点[零〇一二三四五六七八九]+)?)"
)
COUNTING_UNITS = "处次个项人家名份条分"
"""A single spoken digit is read as a number only before one of these (两处 → 2处; 一级, 一天 are left)."""


def chinese_integer(run: str) -> int | None:
    """一百零八 → 108, 两百 → 200, 十二 → 12, 一百五 → 150 (a trailing digit after 百/千 is the next place)."""
    total, section, digit, last_unit = 0, 0, None, 1
    for char in run:
        if char in "零〇":
            continue
        if char in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            unit = _CN_UNITS[char]
            section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        elif char == "万":
            total += (section + (digit or 0)) * 10000
            section, digit, last_unit = 0, None, 10000
        else:
            return None
    if digit is not None:
        section += digit * (last_unit // 10 if last_unit >= 100 and run[-2] not in "零〇" else 1)
    return total + section


def _cn_number(run: str) -> str | None:
    whole, _, decimals = run.partition("点")
    value = chinese_integer(whole)
    if value is None:
        return None
    return str(value) + ("." + "".join(str(_CN_DIGITS[c]) for c in decimals) if decimals else "")


def spoken_numbers(text: str) -> str:
    """``text`` with numbers spoken in Chinese characters written in digits, for reading a question's figures:
    一百二十万 → 120万, 七十九点五 → 79.5, 百分之九十七点五 → 97.5%, 八成七 → 87%, 两处 → 2处. A single digit
    character is converted only before a counting unit (``COUNTING_UNITS``), so words such as 一级指标, 一天,
    统一 and 三公经费 stay as written; a trailing 万 stays a unit (一百零八万 → 108万)."""

    def convert(match: re.Match[str]) -> str:
        if match.group("pct"):
            number = _cn_number(match.group("pct"))
            return f"{number}%" if number else match.group()
        if match.group("tenth"):
            tens = 10 if match.group("tenth") == "十" else _CN_DIGITS[match.group("tenth")]
            ones = _CN_DIGITS[match.group("tenth2")] if match.group("tenth2") else 0
            return f"{tens * 10 + ones if tens < 10 else 100}%"
        run = match.group("num")
        after = text[match.end() : match.end() + 1]
        single = len(run) == 1 and run != "十"
        if single and (after not in COUNTING_UNITS or not after):
            return run
        unit = ""
        if run.endswith("万") and len(run) > 1:
            run, unit = run[:-1], "万"
        number = _cn_number(run)
        return number + unit if number is not None else match.group()

    return _SPOKEN.sub(convert, text)


# ---------------------------------------------------------------- synonyms

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("满意度", "满意率", "满意度调查", "满意程度", "满意度指标"),
    ("预算执行率", "执行率", "支出进度", "预算执行", "资金执行率"),
    ("得分率", "得分比例", "得分比率"),
    ("总分", "总得分", "综合得分", "评价得分"),
    ("扣分", "失分", "丢分", "扣减"),
    ("评分", "打分", "给分", "计分", "赋分", "算分"),
    ("等级", "评级", "档次", "评价等级"),
    ("分值", "权重", "满分", "指标分值"),
    ("资金", "钱", "经费", "款"),
    ("年度指标值", "目标值", "指标值"),
    ("实际完成值", "实际值", "完成值", "实际完成指标值"),
    ("评分标准", "评分规则", "计分方法", "评分办法", "打分规则"),
    ("偏差原因", "偏差原因分析", "未完成原因"),
    ("存在的问题", "存在问题", "主要问题", "不足"),
    ("建议", "有关建议", "改进建议", "整改建议"),
    ("无线", "wifi", "wi-fi", "无线网络"),
    ("自评表", "自评", "绩效自评表", "自评报告"),
    ("优", "优秀"),
    ("差", "不及格"),
    ("良", "良好"),
    ("及时性", "及时率", "按时"),
    ("合规性", "规范性", "合规"),
    ("成本", "费用", "花费"),
)
"""Words that name the same thing in staff's mouth and in the documents. A query term brings in the others of
its groups (the keyword leg only; see ``expand_terms``)."""

DIRECTED_SYNONYMS: dict[str, tuple[str, ...]] = {
    "丢分": ("失分", "扣分"),
    "失分": ("扣分",),
    "扣分": ("失分",),
    "打分": ("评分", "得分"),
    "给分": ("评分", "得分"),
    "计分": ("评分", "得分"),
    "算分": ("评分", "得分"),
    "评级": ("等级",),
    "钱": ("资金",),
    "花": ("支出",),
    "付": ("支付",),
    "完工": ("完成",),
    "分配": ("分值",),
    "占比": ("权重",),
    "超了": ("超出",),
    "超标": ("超出",),
    "不到": ("低于",),
    "没到": ("低于", "未达到"),
    "没达到": ("未达到",),
    "达不到": ("未达到",),
    "不够": ("低于",),
    "以下": ("低于",),
    "超过": ("高于",),
    "拖延": ("不按时",),
    "晚了": ("不按时",),
}
"""Staff words that map to document words one way only (花 → 支出, not 支出 → 花)."""


@cache
def _synonym_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for group in SYNONYM_GROUPS:
        for word in group:
            index.setdefault(word, []).extend(w for w in group if w != word)
    for word, targets in DIRECTED_SYNONYMS.items():
        index.setdefault(word, []).extend(targets)
    return {w: tuple(dict.fromkeys(targets)) for w, targets in index.items()}


def synonyms_of(word: str) -> tuple[str, ...]:
    """The other words for ``word`` (empty when it has none)."""
    return _synonym_index().get(word.lower(), ())


def document_words(word: str) -> tuple[str, ...]:
    """The words the documents use for a staff word, one way (打分 → 评分, 得分): as good as the word itself."""
    return DIRECTED_SYNONYMS.get(word.lower(), ())


def expand_terms(tokens: Sequence[str]) -> list[str]:
    """``tokens`` followed by the synonyms of each (no duplicates, order kept)."""
    extra = [s for t in tokens for s in synonyms_of(t)]
    return list(dict.fromkeys([*tokens, *extra]))


# ---------------------------------------------------------------- query rewriting

_QUANTITY_THEN_WORD = re.compile(
    r"(\d(?:[\d.,]*\d)?\s*(?:%|％|万元|元|分|个|项|次|人|天|年|月|小时))(?=[\u4e00-\u9fff])"
)


def separate_quantities(text: str) -> str:
    """A space after each number with its unit when a word follows it, so the tokenizer does not glue the
    unit to the next word (80分自评表 → “分自”, 85分算哪档 → “分算”): how a question is read for searching."""
    return _QUANTITY_THEN_WORD.sub(r"\1 ", text)


REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (
            r"钱花得(?:太)?慢|花钱(?:太)?慢|花得(?:太)?慢|钱没花完|钱花不完|没花完|支出(?:太)?慢"
            r"|钱没用(?:掉|完)|没用(?:掉|完)的钱|(?:没|未)花出去|花不出去",
            "预算执行率低",
        ),
        (r"支出进度|花钱进度|用钱进度|资金支出进度", "预算执行率"),
        (
            r"钱(?:没|不)?到位|(?:资金|经费)(?:没|不|未)(?:能)?到位|(?:钱|资金|经费)到不了位|钱没下来|资金没到",
            "资金到位率",
        ),
        (r"没按时|没按期|没及时|拖期|拖延|延期|晚了|逾期|超期|超时", "不按时完成 及时"),
        (r"(?:档案|资料|台账)(?:资料)?(?:不全|不齐|缺失|没归档|丢了)", "资料齐全 及时归档 档案管理"),
        (
            r"(报告|材料|资料|合同|凭证|文件|单据)[^，,。？?]{0,3}"
            r"(?:找不着|找不到|丢了|弄丢|丢失|没了|没有了|缺了|不见了|没留|没存)",
            r"\1 资料齐全 及时归档",
        ),
        (
            r"(?:没|未|不)(?:走|搞|经过|进行|做|组织)?(?:公开)?招(?:投)?标|绕(?:开|过)招标|"
            r"直接(?:找|定|指定)(?:了)?(?:供应商|公司|厂家|单位)",
            "政府采购规范性 采购",
        ),
        (
            r"合同(?:还)?(?:没|未|不)签|(?:没|未)签(?:订)?合同|先(?:干|开工|实施|做)后签",
            "合同签订 政府采购规范性",
        ),
        (r"挪(?:去|作|到|给|走)|挤占|截留|乱花|花到别(?:处|的)", "挪用 资金使用合规性"),
        (
            r"(?:太|很|比较|过于)(?:虚|空|笼统|模糊|空泛)|没法量化|无法量化|不能量化|不好量化|量化不了",
            "绩效指标明确性 清晰 可衡量",
        ),
        (r"(?i)\bKPIs?\b|(?i:kpi)", "绩效指标"),
        (r"(?i:SLA)", "服务响应时间"),
        (r"钱花超了|花超了|超支", "成本超出预算"),
        (r"做得不(?:好|够|到位)|不到位的地方|短板|毛病", "存在的问题"),
        (r"扣了?分的?(?:指标|那项|那行)?(?:那|这)?一?(?:栏|列|格)", "偏差原因分析及改进措施"),
        (r"满义度|满议度", "满意度"),
        # “满意度调查低于85%”: the survey's result compared with a figure is the satisfaction rate itself.
        (r"(?<=满意度|满意率)调查(?:结果)?(?=\s*(?:低于|高于|不到|没到|达到|超过|在|[<>≥≤＜＞]|\d))", ""),
    )
)
"""Staff phrasings rewritten to the documents' wording for searching (the question shown is never changed):
colloquial phrases the tokenizer cannot map word by word (钱花得慢 → 预算执行率低, 拖期 → 未按时完成)."""


def rewrite_query(text: str) -> str:
    """``text`` with staff phrasings replaced by the documents' words (``REWRITES``) and quantities separated
    from the next word (``separate_quantities``): what the knowledge base is searched with."""
    for pattern, words in REWRITES:
        text = pattern.sub(words, text)
    return separate_quantities(text)


# ---------------------------------------------------------------- typos

MIN_TYPO_TERM = 3
"""Only terms of at least this many characters are corrected (two-character homophones are too ambiguous)."""


@cache
def _pinyin_of(char: str) -> str:
    from pypinyin import lazy_pinyin

    return lazy_pinyin(char)[0] if "\u3400" <= char <= "\u9fff" else char


@cache
def _term_sounds(terms: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((t, tuple(_pinyin_of(c) for c in t)) for t in terms if len(t) >= MIN_TYPO_TERM)


def correct_typos(text: str, vocabulary: Iterable[str]) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with each run of characters that sounds like a vocabulary term (same pinyin, toneless) but is
    written differently replaced by the term: 预算执形率 → 预算执行率, 满意读 → 满意度. Returns the corrected text
    and the (written, corrected) pairs. A run already equal to a term, or overlapping a corrected one, is left."""
    terms = _term_sounds(tuple(sorted(set(vocabulary), key=lambda t: (-len(t), t))))
    if not terms or not text:
        return text, []
    sounds = [_pinyin_of(c) for c in text]
    taken = [False] * len(text)
    fixes: list[tuple[int, str, str]] = []
    for term, sound in terms:
        n = len(term)
        start = 0
        while start + n <= len(text):
            window = text[start : start + n]
            if (
                window != term
                and not any(taken[start : start + n])
                and tuple(sounds[start : start + n]) == sound
                and all("\u3400" <= c <= "\u9fff" for c in window)
            ):
                fixes.append((start, window, term))
                for i in range(start, start + n):
                    taken[i] = True
                start += n
                continue
            if window == term:
                for i in range(start, start + n):
                    taken[i] = True
            start += 1
    if not fixes:
        return text, []
    out = list(text)
    for start, window, term in sorted(fixes, reverse=True):
        out[start : start + len(window)] = list(term)
    return "".join(out), [(w, t) for _, w, t in sorted(fixes)]


# ---------------------------------------------------------------- LaTeX and markup

_LATEX_SYMBOLS = {
    r"\geq": "≥", r"\ge": "≥", r"\leq": "≤", r"\le": "≤", r"\times": "×", r"\div": "÷", r"\neq": "≠",
    r"\ne": "≠", r"\pm": "±", r"\%": "%", r"\cdot": "·", r"\approx": "≈", r"\sum": "Σ", r"\lt": "<",
    r"\gt": ">", r"\left": "", r"\right": "", r"\quad": " ", r"\,": "", r"\;": "", r"\ ": " ",
}  # fmt: skip
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+|\\[%,; ]")
_LATEX_FRAC = re.compile(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_LATEX_TEXT = re.compile(r"\\(?:text|mathrm|mathbf|textbf|operatorname)\s*\{([^{}]*)\}")
_DOLLARS = re.compile(r"\${1,2}([^$]{0,400})\${1,2}")


def _latex_body(body: str) -> str:
    body = _LATEX_TEXT.sub(r"\1", body)
    body = _LATEX_FRAC.sub(r"(\1)/(\2)", body)
    body = _LATEX_COMMAND.sub(lambda m: _LATEX_SYMBOLS.get(m.group(), ""), body)
    return body.replace("{", "").replace("}", "").replace(" ", "")


def latex_to_text(text: str) -> str:
    """Inline LaTeX (``$\\geq 90\\%$``, ``\\frac{a}{b}``) as plain text (``≥90%``, ``(a)/(b)``); text without a
    ``$`` or backslash is returned unchanged."""
    if "$" not in text and "\\" not in text:
        return text
    text = _DOLLARS.sub(lambda m: _latex_body(m.group(1)), text)
    if "\\" in text:
        text = _latex_body_outside(text)
    return text


def _latex_body_outside(text: str) -> str:
    text = _LATEX_TEXT.sub(r"\1", text)
    text = _LATEX_FRAC.sub(r"(\1)/(\2)", text)
    return _LATEX_COMMAND.sub(lambda m: _LATEX_SYMBOLS.get(m.group(), m.group()), text)
