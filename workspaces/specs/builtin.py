"""The built-in provider's answers for app specs: clarifying questions and the domain model.

Deterministic and offline. The description is read sentence by sentence against the lexicon: which
entities it names (or implies: "borrow" needs loans), which fields it mentions next to them, how
they relate ("projects contain tasks", "comments on tasks"), which domain actions it asks for
("mark tasks complete"), which roles exist and what each role works on. Questions ask only what the
description leaves open; answers and feedback refine the model.
"""

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from workspaces.specs import lexicon
from workspaces.specs.lexicon import EntityTemplate, FieldTemplate
from workspaces.specs.text import humanize, join_words, pascal, plural, sentences, singular, snake, words

# Question ids the domain model step understands.
Q_ENTITIES, Q_AUTH, Q_ROLES, Q_REALTIME, Q_INTEGRATIONS, Q_SCALE, Q_NOTES = (
    "entities",
    "auth",
    "roles",
    "realtime",
    "integrations",
    "scale",
    "notes",
)
RELATION_QUESTION_PREFIX = "relation_"
AUTH_OPTIONS = {"Email and password": "email_password", "No sign-in (a public API)": "none"}
NO_INTEGRATIONS = "None of these"
SCALE_OPTIONS = (
    "A small team (up to 50 users)",
    "An organisation (up to 5,000 users)",
    "The public (more than 5,000 users)",
)
MAX_RELATION_QUESTIONS = 3
HAS_WORDS = {
    "has",
    "have",
    "contain",
    "contains",
    "include",
    "includes",
    "hold",
    "holds",
    "with",
    "own",
    "owns",
    "groups",
}
PART_OF_WORDS = {"in", "within", "inside", "under", "on", "for", "of"}
LIST_JOINERS = {"and", "or", "plus", "also"}


def _phrase_at(tokens: list[str], start: int, phrase: tuple[str, ...]) -> bool:
    if start + len(phrase) > len(tokens):
        return False
    return all(singular(tokens[start + offset]) == singular(part) for offset, part in enumerate(phrase))


def _contains(text_sentences: list[list[str]], phrases: tuple[str, ...]) -> bool:
    split = [tuple(phrase.split()) for phrase in phrases]
    return any(
        _phrase_at(tokens, index, phrase)
        for tokens in text_sentences
        for index in range(len(tokens))
        for phrase in split
    )


@dataclass
class Mention:
    key: str
    sentence: int
    start: int
    end: int


@dataclass
class Analysis:
    """What one text says, in lexicon terms."""

    text: str
    sentences: list[list[str]] = field(init=False)
    mentions: list[Mention] = field(init=False)
    unknown: dict[str, EntityTemplate] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.sentences = [words(sentence) for sentence in sentences(self.text)]
        self.mentions = self._find_mentions()

    def _find_mentions(self) -> list[Mention]:
        found: list[Mention] = []
        phrases = sorted(
            ((tuple(word.split()), template.key) for template in lexicon.ENTITIES for word in template.words),
            key=lambda item: -len(item[0]),
        )
        for number, tokens in enumerate(self.sentences):
            index = 0
            while index < len(tokens):
                match = next((item for item in phrases if _phrase_at(tokens, index, item[0])), None)
                if match and self._is_noun(tokens, index, match[0]):
                    found.append(Mention(match[1], number, index, index + len(match[0])))
                    index += len(match[0])
                    continue
                unknown = self._unknown_entity(tokens, index)
                if unknown:
                    found.append(Mention(unknown.key, number, index + 1, index + 2))
                index += 1
        return found

    @staticmethod
    def _is_noun(tokens: list[str], index: int, phrase: tuple[str, ...]) -> bool:
        word = tokens[index]
        if len(phrase) > 1 or singular(word) not in lexicon.AMBIGUOUS_WORDS:
            return True
        return word != singular(word) or (index > 0 and tokens[index - 1] in lexicon.DETERMINERS)

    def _unknown_entity(self, tokens: list[str], index: int) -> EntityTemplate | None:
        """A plural noun right after an entity verb ("track invoices") that the lexicon does not know."""
        if tokens[index] not in lexicon.ENTITY_VERBS or index + 1 >= len(tokens):
            return None
        candidate = tokens[index + 1]
        known = {word for template in lexicon.ENTITIES for word in template.words}
        role_words = {word for words_ in lexicon.ROLE_WORDS.values() for word in words_}
        field_words = {word for phrases, _ in lexicon.FIELD_PHRASES for word in phrases}
        key = singular(candidate)
        if (
            candidate == key
            or len(key) < 3
            or key in known
            or candidate in role_words
            or candidate in field_words
            or key in lexicon.NOT_ENTITIES
            or candidate in lexicon.NOT_ENTITIES
        ):
            return None
        if key not in self.unknown:
            self.unknown[key] = EntityTemplate(
                key,
                pascal(key),
                (key,),
                f"A {key} the app keeps track of.",
                (FieldTemplate("name", "string", required=True), FieldTemplate("description", "text")),
            )
        return self.unknown[key]

    def has(self, phrases: tuple[str, ...]) -> bool:
        return _contains(self.sentences, phrases)

    def entity_keys(self) -> list[str]:
        """Entities named, implied by verbs, or implied by pairs, in order of first appearance."""
        keys = list(dict.fromkeys(mention.key for mention in self.mentions))
        keys += [key for key, triggers in lexicon.IMPLIED_BY.items() if key not in keys and self.has(triggers)]
        for pair, implied in lexicon.IMPLIED_BY_PAIR.items():
            if set(pair) <= set(keys) and implied not in keys:
                keys.append(implied)
        for implied, (companion, triggers) in lexicon.IMPLIED_WITH.items():
            if companion in keys and implied not in keys and self.has(triggers):
                keys.append(implied)
        return keys

    def template(self, key: str) -> EntityTemplate:
        return lexicon.ENTITY_BY_KEY.get(key) or self.unknown[key]

    def roles(self) -> list[str]:
        positions = []
        for role, role_words in lexicon.ROLE_WORDS.items():
            for number, tokens in enumerate(self.sentences):
                hits = [index for index, token in enumerate(tokens) if token in role_words]
                if hits:
                    positions.append(((number, hits[0]), role))
                    break
        return [role for _, role in sorted(positions)]

    def fields_by_entity(self) -> dict[str, list[FieldTemplate]]:
        """Field phrases attached to the entity named nearest before them in the same sentence."""
        found: dict[str, list[FieldTemplate]] = {}
        for number, tokens in enumerate(self.sentences):
            mentions = [mention for mention in self.mentions if mention.sentence == number]
            if not mentions:
                continue
            for phrases, template in lexicon.FIELD_PHRASES:
                for index in range(len(tokens)):
                    if any(_phrase_at(tokens, index, tuple(phrase.split())) for phrase in phrases):
                        before = [mention for mention in mentions if mention.end <= index]
                        owner = before[-1] if before else mentions[0]
                        found.setdefault(owner.key, []).append(template)
                        break
        return found

    def relations(self) -> dict[tuple[str, str], str]:
        """(child, parent) → relation name, from how sentences connect the entities they name."""
        implying = {trigger for triggers in lexicon.IMPLIED_BY.values() for trigger in triggers}
        found: dict[tuple[str, str], str] = {}
        for number, tokens in enumerate(self.sentences):
            mentions = [mention for mention in self.mentions if mention.sentence == number]
            for first, second in itertools.pairwise(mentions):
                between = tokens[first.end : second.start]
                a, b = self.template(first.key), self.template(second.key)
                if first.key == second.key or not between:
                    continue
                if {"belong", "belongs"} & set(between):
                    found[(a.key, b.key)] = b.key
                elif {"assign", "assigns", "assigned"} & set(between) and between[-1] == "to":
                    found[(a.key, b.key)] = "assignee" if b.person else b.key
                elif between[-1] in PART_OF_WORDS and not a.person:
                    found[(a.key, b.key)] = b.key
                elif HAS_WORDS & set(between) and not b.person:
                    found[(b.key, a.key)] = a.key
                elif a.person and not b.person and between[-1] in lexicon.MANAGE_VERBS and between[-1] not in implying:
                    # "customers place orders": the order belongs to the customer.
                    found[(b.key, a.key)] = a.key
        return found

    def role_links(self, roles: list[str]) -> dict[str, set[str]]:
        """Which entities each role works on: the objects of the verbs it is the subject of
        ("librarians manage books and members"; "members borrow books" → loans)."""
        links: dict[str, set[str]] = {}
        for number, tokens in enumerate(self.sentences):
            for role in roles:
                role_words = set(lexicon.ROLE_WORDS.get(role, (role, plural(role))))
                subject = next((index for index, token in enumerate(tokens) if token in role_words), None)
                if subject is None:
                    continue
                verb = next(
                    (index for index in range(subject + 1, len(tokens)) if tokens[index] in lexicon.MANAGE_VERBS), None
                )
                if verb is None:
                    continue
                implied = [key for key, triggers in lexicon.IMPLIED_BY.items() if tokens[verb] in triggers]
                links.setdefault(role, set()).update(implied or self._objects_after(number, verb))
        return links

    def _objects_after(self, sentence: int, index: int) -> list[str]:
        tokens = self.sentences[sentence]
        after = [mention for mention in self.mentions if mention.sentence == sentence and mention.start > index]
        objects: list[str] = []
        for position, mention in enumerate(after):
            if position and not set(tokens[after[position - 1].end : mention.start]) <= LIST_JOINERS:
                break
            objects.append(mention.key)
        return objects

    def actions(self) -> set[str]:
        return {action.name for template in lexicon.ENTITIES for action in template.actions if self.has(action.verbs)}


# -- Clarifying questions -------------------------------------------------------------------------


def _plural_label(template: EntityTemplate) -> str:
    return humanize(plural(template.key)).capitalize()


def builtin_questions(payload: dict[str, Any]) -> dict[str, Any]:
    analysis = Analysis(payload["description"])
    keys = analysis.entity_keys()
    questions: list[dict[str, Any]] = []
    if len(keys) >= 2:
        questions.append(
            {
                "id": Q_ENTITIES,
                "type": "multi_choice",
                "options": [_plural_label(analysis.template(key)) for key in keys],
                "question": "Which of these should the app keep track of?",
            }
        )
    else:
        questions.append(
            {
                "id": Q_ENTITIES,
                "type": "text",
                "question": "What are the main things the app should keep track of (for example: projects and tasks)?",
            }
        )
    if not any(analysis.has(phrases) for phrases in lexicon.AUTH_WORDS.values()):
        questions.append(
            {
                "id": Q_AUTH,
                "type": "single_choice",
                "options": list(AUTH_OPTIONS),
                "question": "How should people sign in?",
            }
        )
    roles = analysis.roles()
    options = ["Admin", *[role.capitalize() for role in roles if role != "admin"]]
    if len(options) == 1:
        options += ["Member", "Viewer"]
    questions.append(
        {
            "id": Q_ROLES,
            "type": "multi_choice",
            "options": options,
            "question": "Which roles do people have? Admins can do everything; the others can be limited.",
        }
    )
    stated = analysis.relations()
    asked = 0
    for key in keys:
        template = analysis.template(key)
        for name, target, required in template.relations:
            if asked == MAX_RELATION_QUESTIONS:
                break
            if required or target not in keys or (key, target) in stated:
                continue
            questions.append(
                {
                    "id": f"{RELATION_QUESTION_PREFIX}{key}_{name}",
                    "type": "boolean",
                    "question": f"Should each {humanize(key)} be linked to a {humanize(target)} ({name})?",
                }
            )
            asked += 1
    if not analysis.has(lexicon.REALTIME_WORDS):
        questions.append(
            {
                "id": Q_REALTIME,
                "type": "boolean",
                "question": "Should people see changes made by others live, without reloading?",
            }
        )
    if not any(analysis.has(phrases) for phrases in lexicon.INTEGRATION_WORDS.values()):
        questions.append(
            {
                "id": Q_INTEGRATIONS,
                "type": "multi_choice",
                "options": [*lexicon.INTEGRATION_WORDS, NO_INTEGRATIONS],
                "question": "Which integrations does the first version need?",
            }
        )
    questions.append(
        {"id": Q_SCALE, "type": "single_choice", "options": list(SCALE_OPTIONS), "question": "Who will use it?"}
    )
    questions.append({"id": Q_NOTES, "type": "text", "question": "Anything else the first version must do?"})
    return {"questions": questions}


# -- Domain model ----------------------------------------------------------------------------------


def _entity_model(template: EntityTemplate, extra_fields: list[FieldTemplate]) -> dict[str, Any]:
    fields = {field_.name: field_ for field_ in template.fields}
    for field_ in extra_fields:
        fields.setdefault(field_.name, field_)
    return {
        "name": template.name,
        "plural": snake(plural(template.key)),
        "description": template.description,
        "fields": [field_.as_model() for field_ in fields.values()],
        "relations": [],
        "access": {},
        "actions": [],
    }


def _find_entity(entities: dict[str, dict[str, Any]], word: str) -> str | None:
    word = singular(word)
    return next(
        (key for key, entity in entities.items() if word in (key, singular(entity["plural"]), snake(entity["name"]))),
        None,
    )


def _apply_feedback(entities: dict[str, dict[str, Any]], feedback: str) -> list[str]:
    """Explicit edits in feedback: add a field to an entity, remove or rename an entity. Returns what was done."""
    done = []
    for sentence in sentences(feedback):
        added = re.search(
            r"\badd (?:an? |the )?([a-z][a-z _-]*?) (?:field |column |attribute )?"
            r"to (?:the |each |every |all )?([a-z_]+)",
            sentence,
        )
        removed = re.search(r"\b(?:remove|drop|delete) (?:the )?([a-z_]+)", sentence)
        renamed = re.search(r"\brename (?:the )?([a-z_]+)(?: entity)? (?:to|as) ([a-z_]+)", sentence)
        if added and (key := _find_entity(entities, added.group(2))):
            phrase = added.group(1).strip()
            template = next((t for phrases, t in lexicon.FIELD_PHRASES if phrase in phrases), None)
            new_field = template.as_model() if template else FieldTemplate(snake(phrase), "string").as_model()
            if new_field["name"] not in {field_["name"] for field_ in entities[key]["fields"]}:
                entities[key]["fields"].append(new_field)
                done.append(f"Added {new_field['name']} to {entities[key]['name']}.")
        elif removed and (key := _find_entity(entities, removed.group(1))):
            done.append(f"Removed {entities.pop(key)['name']}.")
        elif renamed and (key := _find_entity(entities, renamed.group(1))):
            new = singular(renamed.group(2))
            done.append(f"Renamed {entities[key]['name']} to {pascal(new)}.")
            entities[key]["name"], entities[key]["plural"] = pascal(new), snake(plural(new))
    return done


def builtin_domain_model(payload: dict[str, Any]) -> dict[str, Any]:
    description = payload["description"]
    answers: dict[str, Any] = payload.get("answers") or {}
    feedback: list[str] = payload.get("feedback") or []
    notes = answers.get(Q_NOTES) if isinstance(answers.get(Q_NOTES), str) else ""
    entity_answer = answers.get(Q_ENTITIES)
    extra_text = " . ".join([*([entity_answer] if isinstance(entity_answer, str) else []), notes, *feedback])

    analysis = Analysis(f"{description} . {extra_text}")
    described = Analysis(description).entity_keys()
    keys = analysis.entity_keys()
    if isinstance(entity_answer, list):
        chosen = {label.lower() for label in entity_answer}
        keys = [key for key in keys if key not in described or _plural_label(analysis.template(key)).lower() in chosen]
    if not keys:
        keys = [snake(payload["name"]) or "item"]
        analysis.unknown[keys[0]] = EntityTemplate(
            keys[0],
            pascal(keys[0]),
            (keys[0],),
            f"What {payload['name']} keeps track of.",
            (FieldTemplate("name", "string", required=True), FieldTemplate("description", "text")),
        )

    extra_fields = analysis.fields_by_entity()
    entities = {key: _entity_model(analysis.template(key), extra_fields.get(key, [])) for key in keys}
    revision_notes = [f"v{number + 2}: {text}" for number, text in enumerate(feedback)]
    for text in feedback:
        revision_notes += [f"  {change}" for change in _apply_feedback(entities, text)]

    # Relations: what the text says, then the lexicon's defaults, minus what the answers declined.
    stated = analysis.relations()
    for key, entity in entities.items():
        relations: dict[str, dict[str, Any]] = {}
        required_by_lexicon = {name: required for name, _, required in analysis.template(key).relations}
        for (child, parent), name in stated.items():
            if child == key and parent in entities:
                relations[name] = {
                    "name": name,
                    "target": entities[parent]["name"],
                    "required": required_by_lexicon.get(name, False),
                }
        for name, target, required in analysis.template(key).relations:
            declined = answers.get(f"{RELATION_QUESTION_PREFIX}{key}_{name}") is False
            if target in entities and not declined and name not in relations:
                relations[name] = {"name": name, "target": entities[target]["name"], "required": required}
        field_names = {field_["name"] for field_ in entity["fields"]}
        entity["relations"] = [relation for name, relation in relations.items() if name not in field_names]

    # Authentication and roles.
    method = AUTH_OPTIONS.get(answers.get(Q_AUTH)) if answers.get(Q_AUTH) else None
    if method is None:
        method = next((name for name, phrases in lexicon.AUTH_WORDS.items() if analysis.has(phrases)), "email_password")
    if method == "none":
        roles = ["public"]
    elif isinstance(answers.get(Q_ROLES), list) and answers[Q_ROLES]:
        # Admin manages accounts and is always a role, whatever else was chosen.
        roles = list(dict.fromkeys(["admin", *(snake(role) for role in answers[Q_ROLES])]))
    else:
        roles = list(dict.fromkeys(["admin", *analysis.roles()]))
    links = _with_children(analysis.role_links(roles), entities)
    default_role = _default_role(roles, entities, links)
    for key, entity in entities.items():
        entity["access"] = _access(key, roles, links)
        writers = entity["access"]["update"]
        entity["actions"] = [
            {
                "name": action.name,
                "description": action.description,
                "sets": action.sets,
                "requires": action.requires,
                "roles": writers,
            }
            for action in analysis.template(key).actions
            if analysis.has(action.verbs)
            and all(
                name in {field_["name"] for field_ in entity["fields"]} for name in {**action.sets, **action.requires}
            )
        ]

    realtime = (
        answers.get(Q_REALTIME) if isinstance(answers.get(Q_REALTIME), bool) else analysis.has(lexicon.REALTIME_WORDS)
    )
    integrations = [name for name, phrases in lexicon.INTEGRATION_WORDS.items() if analysis.has(phrases)]
    if isinstance(answers.get(Q_INTEGRATIONS), list):
        integrations = list(
            dict.fromkeys([*integrations, *(i for i in answers[Q_INTEGRATIONS] if i != NO_INTEGRATIONS)])
        )

    non_functional = [
        "Every response is JSON; errors name the failing field.",
        "Lists are paginated (page, pageSize up to 100), newest first.",
    ]
    if answers.get(Q_SCALE):
        non_functional.append(f"Built for {answers[Q_SCALE][0].lower()}{answers[Q_SCALE][1:]}.")
    assumptions = ["Every record has an id, createdAt and updatedAt."]
    if method == "email_password":
        assumptions.append(
            f"The first account to register becomes admin; later accounts get the {default_role} role; "
            "admins change roles through the users routes."
            if len(roles) > 1
            else "Every account has the same access."
        )
    if notes:
        assumptions.append(f"Requested: {notes.strip()}")
    return {
        "app": {
            "name": payload["name"],
            "summary": _summary(description),
            "features": _features(entities, method, roles, realtime, integrations),
        },
        "auth": {"method": method, "roles": roles, "default_role": default_role},
        "entities": list(entities.values()),
        "realtime": realtime,
        "integrations": integrations,
        "non_functional": non_functional,
        "assumptions": assumptions,
        "revision_notes": revision_notes,
    }


def _with_children(links: dict[str, set[str]], entities: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """A role that writes a record also writes the records that cannot exist without it (order → items)."""
    name_to_key = {entity["name"]: key for key, entity in entities.items()}
    for written in links.values():
        for key, entity in entities.items():
            parents = {name_to_key[relation["target"]] for relation in entity["relations"] if relation["required"]}
            if parents & written:
                written.add(key)
    return links


def _default_role(roles: list[str], entities: dict[str, dict[str, Any]], links: dict[str, set[str]]) -> str:
    """The role self-registered accounts get: the end user — a role the app also keeps records of
    (members, customers, patients) — else the non-admin role that writes least."""
    others = [role for role in roles if role != "admin"]
    if not others:
        return roles[0]
    people = [role for role in others if role in entities]
    if people:
        return people[0]
    return min(others, key=lambda role: (len(links.get(role, ())) == 0, len(links.get(role, ()))))


def _access(key: str, roles: list[str], links: dict[str, set[str]]) -> dict[str, list[str]]:
    """Admins may do everything. Other roles read everything and write what the description has them
    work on; when it says nothing about roles, everyone may write and only admins delete."""
    admins = [role for role in roles if role == "admin"]
    others = [role for role in roles if role != "admin"]
    writers = [role for role in others if key in links.get(role, set())] if links else others
    return {
        "read": roles,
        "create": [*admins, *writers] or roles,
        "update": [*admins, *writers] or roles,
        "delete": admins or roles,
    }


def _summary(description: str) -> str:
    parts = re.split(r"(?<=[.!?])\s+", description.strip())
    return " ".join(parts[:2])[:2000] or description[:2000]


def _features(
    entities: dict[str, dict[str, Any]], method: str, roles: list[str], realtime: bool, integrations: list[str]
) -> list[str]:
    features = []
    if method == "email_password":
        features.append(f"Sign up and sign in with email and password; roles: {join_words(roles)}.")
    for entity in entities.values():
        features.append(f"Manage {humanize(entity['plural'])}: list, create, view, update and delete.")
        features += [
            f"{humanize(action['name']).capitalize()} a {humanize(entity['name'])}: {action['description']}"
            for action in entity["actions"]
        ]
    if realtime:
        features.append("Changes made by one person appear for everyone else without reloading.")
    features += [f"Integration: {integration}." for integration in integrations]
    return features
