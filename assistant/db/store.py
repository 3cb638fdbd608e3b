"""The workbench's store (工作数据): one object over the database for users, projects, versions, reviews,
chats and settings. Every public method runs in its own transaction and returns pydantic records.

Access rule: a project is visible to its owner, to users it is shared with and, when shared with the team,
to every user; only the owner shares or deletes it. Without login every project belongs to the built-in
local user, as a single-user workbench.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import ConflictError, InputError, PermissionDenied

from .passwords import hash_password, verify_password
from .records import ChatTurn, ProjectRecord, ProjectSummary, UserInfo, VersionInfo
from .schema import (
    AppSetting,
    CaseVersion,
    ChatMessage,
    Conversation,
    DraftVersion,
    Project,
    ProjectShare,
    Review,
    User,
    UserState,
)

LOCAL_USER = "local"
"""The user every project belongs to when the workbench runs without login."""
CHECKPOINT = timedelta(minutes=5)
"""While someone types, the case is kept as a version at most this often (every edit is still saved)."""
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,32}$")
MIN_PASSWORD = 6


def new_project_id(now: datetime | None = None) -> str:
    now = now or datetime.now()
    return f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


def _now() -> datetime:
    return datetime.now()


class Store:
    """All reads and writes of the workbench's data."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # ------------------------------------------------------------------ users

    def _user_info(self, user: User) -> UserInfo:
        return UserInfo(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            active=user.active,
        )

    def ensure_local_user(self) -> UserInfo:
        try:
            with self._tx() as s:
                user = s.scalar(select(User).where(User.username == LOCAL_USER))
                if user is None:
                    user = User(username=LOCAL_USER, display_name="本机用户", role="admin", created_at=_now())
                    s.add(user)
                    s.flush()
                return self._user_info(user)
        except IntegrityError:  # another process sharing the database created it at the same moment
            return self.ensure_local_user()

    def user(self, username: str | None) -> UserInfo | None:
        """The user by name (None → the local user of a workbench without login)."""
        with self._tx() as s:
            user = s.scalar(select(User).where(User.username == (username or LOCAL_USER)))
            return self._user_info(user) if user and user.active else None

    def users(self) -> list[UserInfo]:
        with self._tx() as s:
            rows = s.scalars(select(User).where(User.username != LOCAL_USER).order_by(User.username))
            return [self._user_info(u) for u in rows]

    def verify(self, username: str, password: str) -> bool:
        """Login check: an active user (not the built-in local one) with this password."""
        with self._tx() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None or not user.active or user.username == LOCAL_USER:
                return False
            return verify_password(password, user.password_hash)

    def add_user(self, username: str, password: str, role: str = "user", display_name: str = "") -> UserInfo:
        username = (username or "").strip()
        if not _USERNAME.match(username) or username == LOCAL_USER:
            raise InputError("用户名须为 2–32 个字母、数字、汉字或 _ . -（不能是 local）")
        if len(password or "") < MIN_PASSWORD:
            raise InputError(f"密码至少 {MIN_PASSWORD} 位")
        if role not in ("admin", "user"):
            raise InputError("角色须为 管理员 或 普通用户")
        try:
            with self._tx() as s:
                user = User(
                    username=username,
                    display_name=(display_name or "").strip(),
                    password_hash=hash_password(password),
                    role=role,
                    created_at=_now(),
                )
                s.add(user)
                s.flush()
                return self._user_info(user)
        except IntegrityError:
            raise InputError(f"用户名“{username}”已存在") from None

    def ensure_admin(self, username: str, password: str) -> UserInfo:
        """The administrator named at start-up (``--auth 用户:密码``): created, or its password and role set."""
        with self._tx() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is not None:
                if not verify_password(password, user.password_hash):
                    user.password_hash = hash_password(password)
                user.role, user.active = "admin", True
                return self._user_info(user)
        try:
            return self.add_user(username, password, role="admin")
        except InputError:
            if self.user(username) is None:  # the name or the password itself was refused
                raise
            return self.ensure_admin(username, password)  # another process starting with it created it first

    def update_user(
        self,
        username: str,
        *,
        role: str | None = None,
        active: bool | None = None,
        password: str | None = None,
        display_name: str | None = None,
    ) -> UserInfo:
        with self._tx() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None or user.username == LOCAL_USER:
                raise InputError(f"找不到用户“{username}”")
            if role is not None:
                if role not in ("admin", "user"):
                    raise InputError("角色须为 管理员 或 普通用户")
                user.role = role
            if active is not None:
                user.active = active
            if password is not None:
                if len(password) < MIN_PASSWORD:
                    raise InputError(f"密码至少 {MIN_PASSWORD} 位")
                user.password_hash = hash_password(password)
            if display_name is not None:
                user.display_name = display_name.strip()
            s.flush()
            admins = s.scalars(
                select(User).where(User.role == "admin", User.active, User.username != LOCAL_USER)
            ).all()
            if not admins:
                raise InputError("至少要保留一名启用的管理员")
            return self._user_info(user)

    # ------------------------------------------------------------------ projects

    def _names(self, s: Session, *ids: int | None) -> dict[int, str]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        return {
            u.id: (u.display_name or u.username) for u in s.scalars(select(User).where(User.id.in_(wanted)))
        }

    def _record(self, s: Session, p: Project) -> ProjectRecord:
        names = self._names(s, p.owner_id, p.updated_by)
        shared = s.scalars(
            select(User.username)
            .join(ProjectShare, ProjectShare.user_id == User.id)
            .where(ProjectShare.project_id == p.id)
        ).all()
        return ProjectRecord(
            id=p.id,
            name=p.name,
            kind=p.kind,
            case=p.case_data,
            problems=list(p.problems or []),
            draft=p.draft,
            draft_kind=p.draft_kind,
            edited_sections=list(p.edited_sections or []),
            revision=p.revision,
            updated_at=p.updated_at,
            updated_by=names.get(p.updated_by, ""),
            owner=names.get(p.owner_id, ""),
            owner_id=p.owner_id,
            shared_with_team=p.shared_with_team,
            shared_with=sorted(shared),
        )

    def _visible(self, user: UserInfo):
        shared_ids = select(ProjectShare.project_id).where(ProjectShare.user_id == user.id)
        return (
            Project.deleted_at.is_(None),
            or_(Project.owner_id == user.id, Project.shared_with_team, Project.id.in_(shared_ids)),
        )

    def _project(self, s: Session, user: UserInfo, project_id: str) -> Project:
        p = s.scalar(select(Project).where(Project.id == project_id, *self._visible(user)))
        if p is None:
            raise PermissionDenied("找不到这个项目，或它未共享给您。")
        return p

    def create_project(
        self,
        user: UserInfo,
        case: dict[str, Any],
        name: str,
        problems: list[Any] | None = None,
        reason: str = "新建",
        project_id: str | None = None,
    ) -> ProjectRecord:
        now = _now()
        with self._tx() as s:
            p = Project(
                id=project_id or new_project_id(now),
                owner_id=user.id,
                name=(name or "").strip() or "未命名项目",
                kind=str(case.get("kind") or "self_evaluation"),
                case_data=case,
                problems=problems or [],
                edited_sections=[],
                revision=1,
                shared_with_team=False,
                created_at=now,
                updated_at=now,
                updated_by=user.id,
            )
            s.add(p)
            s.flush()
            self._keep_case(s, p, user, reason)
            return self._record(s, p)

    def load_project(self, user: UserInfo, project_id: str) -> ProjectRecord:
        with self._tx() as s:
            return self._record(s, self._project(s, user, project_id))

    def list_projects(self, user: UserInfo) -> list[ProjectSummary]:
        """Projects the user may open, newest first."""
        with self._tx() as s:
            rows = s.scalars(
                select(Project).where(*self._visible(user)).order_by(Project.updated_at.desc())
            ).all()
            names = self._names(s, *(p.owner_id for p in rows))
            shared = set(s.scalars(select(ProjectShare.project_id)).all())
            return [
                ProjectSummary(
                    id=p.id,
                    name=p.name,
                    updated_at=p.updated_at,
                    has_draft=p.draft is not None,
                    problems=len(p.problems or []),
                    owner=names.get(p.owner_id, ""),
                    mine=p.owner_id == user.id,
                    shared=p.shared_with_team or p.id in shared,
                )
                for p in rows
            ]

    def _save(
        self, s: Session, user: UserInfo, project_id: str, expected: int, values: dict[str, Any]
    ) -> Project:
        """Write `values` only if the project is still at `expected` revision; else ConflictError."""
        p = self._project(s, user, project_id)
        values = {**values, "revision": expected + 1, "updated_at": _now(), "updated_by": user.id}
        done = s.execute(
            update(Project)
            .where(Project.id == project_id, Project.revision == expected)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:
            s.refresh(p)
            who = (
                "在另一个窗口中"
                if p.updated_by == user.id
                else f"被{self._names(s, p.updated_by).get(p.updated_by, '其他用户')}"
            )
            raise ConflictError(
                f"项目“{p.name}”已在 {p.updated_at:%H:%M:%S} {who}修改过，您的这次修改没有覆盖它。"
            )
        s.refresh(p)
        return p

    def save_case(
        self,
        user: UserInfo,
        project_id: str,
        expected_revision: int,
        case: dict[str, Any],
        name: str,
        problems: list[Any],
    ) -> ProjectRecord:
        """Save an edit of the case (every keystroke that reached the server); keeps a version every few minutes."""
        with self._tx() as s:
            p = self._save(
                s,
                user,
                project_id,
                expected_revision,
                {
                    "case_data": case,
                    "name": (name or "").strip() or "未命名项目",
                    "kind": str(case.get("kind") or "self_evaluation"),
                    "problems": problems,
                },
            )
            last = s.scalar(
                select(CaseVersion.created_at)
                .where(CaseVersion.project_id == project_id)
                .order_by(CaseVersion.id.desc())
                .limit(1)
            )
            if last is None or p.updated_at - last >= CHECKPOINT:
                self._keep_case(s, p, user, "编辑中自动保留")
            return self._record(s, p)

    def replace_case(
        self,
        user: UserInfo,
        project_id: str,
        expected_revision: int,
        case: dict[str, Any],
        name: str,
        problems: list[Any],
        reason: str,
    ) -> ProjectRecord:
        """Replace the whole case (import over a project, restore): the state before is kept first."""
        with self._tx() as s:
            before = self._project(s, user, project_id)
            self._keep_case(s, before, user, f"{reason}之前")
            p = self._save(
                s,
                user,
                project_id,
                expected_revision,
                {
                    "case_data": case,
                    "name": (name or "").strip() or "未命名项目",
                    "kind": str(case.get("kind") or "self_evaluation"),
                    "problems": problems,
                },
            )
            self._keep_case(s, p, user, reason)
            return self._record(s, p)

    def save_draft(
        self,
        user: UserInfo,
        project_id: str,
        expected_revision: int,
        report: dict[str, Any] | None,
        draft_kind: str | None,
        edited_sections: list[str],
        reason: str,
    ) -> ProjectRecord:
        """Save a new state of the draft and keep it as a version (the previous one stays in the history)."""
        with self._tx() as s:
            before = self._project(s, user, project_id)
            if before.draft is not None and not self._draft_kept(s, before):
                self._keep_draft(s, before, user, "此前的草稿")
            p = self._save(
                s,
                user,
                project_id,
                expected_revision,
                {"draft": report, "draft_kind": draft_kind, "edited_sections": edited_sections},
            )
            if report is not None:
                self._keep_draft(s, p, user, reason)
            return self._record(s, p)

    def save_draft_values(
        self, user: UserInfo, project_id: str, expected_revision: int, report: dict[str, Any]
    ) -> ProjectRecord:
        """Numbers of the draft refreshed from the scorer (no new version: the text did not change)."""
        with self._tx() as s:
            p = self._save(s, user, project_id, expected_revision, {"draft": report})
            return self._record(s, p)

    def keep_case_version(
        self, user: UserInfo, project_id: str, case: dict[str, Any], name: str, reason: str
    ) -> None:
        """Keep a case that could not be saved (e.g. an edit that conflicted) as a version of the project."""
        with self._tx() as s:
            p = self._project(s, user, project_id)
            s.add(
                CaseVersion(
                    project_id=p.id,
                    revision=p.revision,
                    name=(name or "").strip() or p.name,
                    case_data=case,
                    reason=reason,
                    created_at=_now(),
                    created_by=user.id,
                )
            )

    def _keep_case(self, s: Session, p: Project, user: UserInfo, reason: str) -> None:
        s.add(
            CaseVersion(
                project_id=p.id,
                revision=p.revision,
                name=p.name,
                case_data=p.case_data,
                reason=reason,
                created_at=_now(),
                created_by=user.id,
            )
        )

    def _draft_kept(self, s: Session, p: Project) -> bool:
        last = s.scalar(
            select(DraftVersion)
            .where(DraftVersion.project_id == p.id)
            .order_by(DraftVersion.id.desc())
            .limit(1)
        )
        return last is not None and last.report == p.draft

    def _keep_draft(self, s: Session, p: Project, user: UserInfo, reason: str) -> None:
        s.add(
            DraftVersion(
                project_id=p.id,
                revision=p.revision,
                draft_kind=p.draft_kind or "report",
                report=p.draft,
                edited_sections=list(p.edited_sections or []),
                reason=reason,
                created_at=_now(),
                created_by=user.id,
            )
        )

    def delete_project(self, user: UserInfo, project_id: str) -> None:
        with self._tx() as s:
            p = self._project(s, user, project_id)
            if p.owner_id != user.id:
                raise PermissionDenied("只有项目的创建者可以删除它。")
            p.deleted_at = _now()

    # ------------------------------------------------------------------ sharing

    def share(
        self, user: UserInfo, project_id: str, *, with_user: str | None = None, team: bool | None = None
    ) -> ProjectRecord:
        """Share with one user (by username) and/or set sharing with the whole team. Owner only."""
        with self._tx() as s:
            p = self._project(s, user, project_id)
            if p.owner_id != user.id:
                raise PermissionDenied("只有项目的创建者可以设置共享。")
            if team is not None:
                p.shared_with_team = team
            if with_user:
                other = s.scalar(select(User).where(User.username == with_user.strip(), User.active))
                if other is None or other.username == LOCAL_USER:
                    raise InputError(f"找不到用户“{with_user}”")
                if other.id != user.id and s.get(ProjectShare, (p.id, other.id)) is None:
                    s.add(ProjectShare(project_id=p.id, user_id=other.id, created_at=_now()))
            s.flush()
            return self._record(s, p)

    def unshare(self, user: UserInfo, project_id: str, username: str) -> ProjectRecord:
        with self._tx() as s:
            p = self._project(s, user, project_id)
            if p.owner_id != user.id:
                raise PermissionDenied("只有项目的创建者可以设置共享。")
            other = s.scalar(select(User).where(User.username == username))
            if other is not None:
                s.execute(
                    delete(ProjectShare).where(
                        ProjectShare.project_id == p.id, ProjectShare.user_id == other.id
                    )
                )
            s.flush()
            return self._record(s, p)

    # ------------------------------------------------------------------ versions

    def case_versions(self, user: UserInfo, project_id: str) -> list[VersionInfo]:
        with self._tx() as s:
            self._project(s, user, project_id)
            rows = s.scalars(
                select(CaseVersion)
                .where(CaseVersion.project_id == project_id)
                .order_by(CaseVersion.id.desc())
            ).all()
            names = self._names(s, *(r.created_by for r in rows))
            return [
                VersionInfo(
                    id=r.id,
                    revision=r.revision,
                    reason=r.reason,
                    created_at=r.created_at,
                    created_by=names.get(r.created_by, ""),
                    name=r.name,
                )
                for r in rows
            ]

    def case_version(
        self, user: UserInfo, project_id: str, version_id: int
    ) -> tuple[VersionInfo, dict[str, Any]]:
        with self._tx() as s:
            self._project(s, user, project_id)
            r = s.get(CaseVersion, version_id)
            if r is None or r.project_id != project_id:
                raise InputError("找不到这个历史版本。")
            info = VersionInfo(
                id=r.id, revision=r.revision, reason=r.reason, created_at=r.created_at, name=r.name
            )
            return info, r.case_data

    def draft_versions(self, user: UserInfo, project_id: str) -> list[VersionInfo]:
        with self._tx() as s:
            self._project(s, user, project_id)
            rows = s.execute(
                select(
                    DraftVersion.id,
                    DraftVersion.revision,
                    DraftVersion.reason,
                    DraftVersion.created_at,
                    DraftVersion.created_by,
                    DraftVersion.draft_kind,
                )
                .where(DraftVersion.project_id == project_id)
                .order_by(DraftVersion.id.desc())
            ).all()
            names = self._names(s, *(r.created_by for r in rows))
            return [
                VersionInfo(
                    id=r.id,
                    revision=r.revision,
                    reason=r.reason,
                    created_at=r.created_at,
                    created_by=names.get(r.created_by, ""),
                    name=r.draft_kind,
                )
                for r in rows
            ]

    def draft_version(
        self, user: UserInfo, project_id: str, version_id: int
    ) -> tuple[VersionInfo, dict[str, Any], list[str]]:
        with self._tx() as s:
            self._project(s, user, project_id)
            r = s.get(DraftVersion, version_id)
            if r is None or r.project_id != project_id:
                raise InputError("找不到这个历史版本。")
            info = VersionInfo(
                id=r.id, revision=r.revision, reason=r.reason, created_at=r.created_at, name=r.draft_kind
            )
            return info, r.report, list(r.edited_sections or [])

    def draft_reports(self, user: UserInfo, project_id: str) -> list[tuple[VersionInfo, dict[str, Any]]]:
        """Every kept draft, oldest first (a section's history is read across them)."""
        with self._tx() as s:
            self._project(s, user, project_id)
            rows = s.scalars(
                select(DraftVersion).where(DraftVersion.project_id == project_id).order_by(DraftVersion.id)
            ).all()
            names = self._names(s, *(r.created_by for r in rows))
            return [
                (
                    VersionInfo(
                        id=r.id,
                        revision=r.revision,
                        reason=r.reason,
                        created_at=r.created_at,
                        created_by=names.get(r.created_by, ""),
                        name=r.draft_kind,
                    ),
                    r.report,
                )
                for r in rows
            ]

    # ------------------------------------------------------------------ reviews

    def add_review(
        self, user: UserInfo, project_id: str | None, source: str, text: str, result: dict[str, Any]
    ) -> int:
        with self._tx() as s:
            if project_id:
                self._project(s, user, project_id)
            review = Review(
                project_id=project_id,
                user_id=user.id,
                source=source,
                text=text,
                result=result,
                created_at=_now(),
            )
            s.add(review)
            s.flush()
            return review.id

    def latest_review(
        self, user: UserInfo, project_id: str
    ) -> tuple[str, str, dict[str, Any], datetime] | None:
        """(source, checked text, CheckReport dump, time) of the project's last review."""
        with self._tx() as s:
            self._project(s, user, project_id)
            r = s.scalar(
                select(Review).where(Review.project_id == project_id).order_by(Review.id.desc()).limit(1)
            )
            return (r.source, r.text, r.result, r.created_at) if r else None

    # ------------------------------------------------------------------ chats

    def new_conversation(self, user: UserInfo, project_id: str | None = None) -> int:
        with self._tx() as s:
            c = Conversation(user_id=user.id, project_id=project_id, created_at=_now(), updated_at=_now())
            s.add(c)
            s.flush()
            return c.id

    def _conversation(self, s: Session, user: UserInfo, conversation_id: int) -> Conversation:
        c = s.get(Conversation, conversation_id)
        if c is None or c.user_id != user.id:
            raise PermissionDenied("找不到这段问答记录。")
        return c

    def add_messages(self, user: UserInfo, conversation_id: int, turns: list[ChatTurn]) -> None:
        with self._tx() as s:
            c = self._conversation(s, user, conversation_id)
            now = _now()
            for t in turns:
                s.add(ChatMessage(conversation_id=c.id, role=t.role, content=t.content, created_at=now))
            if not c.title and turns:
                c.title = turns[0].content[:60]
            c.updated_at = now

    def messages(self, user: UserInfo, conversation_id: int) -> list[ChatTurn]:
        with self._tx() as s:
            self._conversation(s, user, conversation_id)
            rows = s.scalars(
                select(ChatMessage)
                .where(ChatMessage.conversation_id == conversation_id)
                .order_by(ChatMessage.id)
            ).all()
            return [ChatTurn(role=r.role, content=r.content) for r in rows]

    def owns_conversation(self, user: UserInfo, conversation_id: int) -> bool:
        with self._tx() as s:
            c = s.get(Conversation, conversation_id)
            return c is not None and c.user_id == user.id

    # ------------------------------------------------------------------ settings and user state

    def setting(self, key: str, default: Any = None) -> Any:
        with self._tx() as s:
            row = s.get(AppSetting, key)
            return row.value if row is not None else default

    def set_setting(self, key: str, value: Any, user: UserInfo | None = None) -> None:
        with self._tx() as s:
            row = s.get(AppSetting, key)
            if row is None:
                s.add(
                    AppSetting(key=key, value=value, updated_at=_now(), updated_by=user.id if user else None)
                )
            else:
                row.value, row.updated_at = value, _now()
                row.updated_by = user.id if user else None

    def user_state(self, user: UserInfo, browser: str, fallback: bool = False) -> dict[str, Any]:
        """Where the user left off in this browser; with `fallback`, else where they last worked anywhere."""
        with self._tx() as s:
            row = s.get(UserState, (user.id, browser))
            if row is None and fallback:
                row = s.scalar(
                    select(UserState)
                    .where(UserState.user_id == user.id)
                    .order_by(UserState.updated_at.desc())
                    .limit(1)
                )
            return dict(row.state) if row else {}

    def set_user_state(self, user: UserInfo, browser: str, **changes: Any) -> None:
        with self._tx() as s:
            row = s.get(UserState, (user.id, browser))
            if row is None:
                s.add(UserState(user_id=user.id, browser=browser, state=changes, updated_at=_now()))
            else:
                row.state = {**row.state, **changes}
                row.updated_at = _now()
