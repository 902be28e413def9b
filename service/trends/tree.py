"""The organisation as a tree of groups: the whole organisation, units (any depth) and branches."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

Group = tuple[str, ...]  # ("org",), ("unit", code), ("branch", code)
ORG: Group = ("org",)


@dataclass
class OrgTree:
    """Units and branches by code, with parent and child links; a group's total is the sum of its children."""

    unit_names: dict[str, str] = field(default_factory=dict)
    unit_parent: dict[str, str | None] = field(default_factory=dict)
    branch_names: dict[str, str] = field(default_factory=dict)
    branch_unit: dict[str, str] = field(default_factory=dict)
    branch_codes: dict[uuid.UUID, str] = field(default_factory=dict)
    _children: dict[Group, list[Group]] = field(default_factory=dict)

    def add_unit(self, code: str, name: str, parent: str | None) -> None:
        self.unit_names[code] = name
        self.unit_parent[code] = parent
        self._children.clear()

    def add_branch(self, branch_id: uuid.UUID, code: str, name: str, unit: str) -> None:
        self.branch_names[code] = name
        self.branch_unit[code] = unit
        self.branch_codes[branch_id] = code
        self._children.clear()

    def parent(self, group: Group) -> Group | None:
        if group[0] == "branch":
            return ("unit", self.branch_unit[group[1]])
        if group[0] == "unit":
            parent = self.unit_parent[group[1]]
            return ("unit", parent) if parent else ORG
        return None

    def children(self, group: Group) -> list[Group]:
        if not self._children:
            index: dict[Group, list[Group]] = {}
            for code in sorted(self.unit_names):
                parent = self.parent(("unit", code))
                assert parent is not None
                index.setdefault(parent, []).append(("unit", code))
            for code in sorted(self.branch_names):
                index.setdefault(("unit", self.branch_unit[code]), []).append(("branch", code))
            self._children.update(index)
        return self._children.get(group, [])

    def ancestors(self, group: Group) -> list[Group]:
        out = []
        parent = self.parent(group)
        while parent is not None:
            out.append(parent)
            parent = self.parent(parent)
        return out

    def descendants(self, group: Group) -> list[Group]:
        out: list[Group] = []
        stack = list(reversed(self.children(group)))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self.children(node)))
        return out

    def fingerprint(self) -> int:
        """A key for in-process caches: changes when any unit or branch is added, moved or renamed."""
        return hash(
            (
                tuple(sorted(self.unit_names.items())),
                tuple(sorted(self.unit_parent.items(), key=str)),
                tuple(sorted(self.branch_names.items())),
                tuple(sorted(self.branch_unit.items())),
            )
        )

    def name(self, group: Group) -> str:
        if group[0] == "unit":
            return self.unit_names[group[1]]
        if group[0] == "branch":
            return self.branch_names[group[1]]
        return "全组织"
