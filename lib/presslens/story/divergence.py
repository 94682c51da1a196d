"""Divergence: one claim, carried differently by different outlets.

Two kinds, each naming the members on both sides so the page can show the
sentences:

- ``firmness``: one outlet states the claim flatly (its own voice, no hedge)
  while another attributes it to an anonymous source, an unnamed official or
  no one ("it was reported"), or hedges it;
- ``roles``: a party acts in one outlet's sentence and is acted upon in
  another's (one's agent is the other's patient).

>>> members = [{"doc_id": "a", "stance": "flat", "roles": [[0, 8, "pk", "agent"]]},
...            {"doc_id": "b", "stance": "anonymous", "roles": [[5, 13, "pk", "patient"]]}]
>>> [(d["kind"], d["detail"]) for d in divergences(members)]
[('firmness', 'stated flatly vs attributed to an anonymous source'), ('roles', 'pk: agent vs patient')]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

#: How a member that is not flat carries the claim, as the page says it.
WEAKER = {"anonymous": "attributed to an anonymous source", "hedged": "hedged"}


def divergences(members: Sequence[Mapping[str, Any]],
                party_label: Callable[[str], str] | None = None) -> list[dict[str, Any]]:
    """The divergences within one claim's members (mappings with ``doc_id``, ``stance``, ``roles``).

    Each divergence: ``kind``, ``detail`` (a short phrase), ``firm`` and
    ``weak`` (indices into ``members``: the flat ones and the others; for
    roles, the agents and the patients), ``party`` (roles only).
    """
    label = party_label or (lambda p: p)
    out: list[dict[str, Any]] = []
    flat = [i for i, m in enumerate(members) if m.get("stance") == "flat"]
    for stance, phrase in WEAKER.items():
        weak = [i for i, m in enumerate(members) if m.get("stance") == stance]
        if flat and weak and {members[i]["doc_id"] for i in flat} != {members[i]["doc_id"] for i in weak}:
            out.append({"kind": "firmness", "detail": f"stated flatly vs {phrase}", "firm": flat, "weak": weak,
                        "party": None})
    roles: dict[str, dict[str, list[int]]] = {}
    for i, m in enumerate(members):
        for _, _, party, role in m.get("roles") or []:
            roles.setdefault(party, {}).setdefault(role, [])
            if i not in roles[party][role]:
                roles[party][role].append(i)
    for party, by_role in roles.items():
        agents, patients = by_role.get("agent", []), by_role.get("patient", [])
        # Only across outlets: one sentence may have a party both act and suffer.
        if agents and patients and {members[i]["doc_id"] for i in agents} != {members[i]["doc_id"] for i in patients}:
            out.append({"kind": "roles", "detail": f"{label(party)}: agent vs patient", "firm": agents,
                        "weak": patients, "party": party})
    return out
