"""Small, predictable text helpers for the built-in provider (no language model, no NLP library)."""

import re

_IRREGULAR = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "statuses": "status",
    "addresses": "address",
    "classes": "class",
    "businesses": "business",
    "analyses": "analysis",
    "data": "data",
    "news": "news",
    "series": "series",
}
_PLURAL_IRREGULAR = {singular: plural for plural, singular in _IRREGULAR.items() if singular != plural}


def sentences(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[.;!?\n]+", text.lower()) if part.strip()]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z'-]*", text.lower())


def singular(word: str) -> str:
    word = word.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def plural(word: str) -> str:
    if word in _PLURAL_IRREGULAR:
        return _PLURAL_IRREGULAR[word]
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def snake(text: str) -> str:
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def pascal(text: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^a-zA-Z0-9]+", text) if part)


def humanize(identifier: str) -> str:
    """'due_date' → 'due date', 'OrderItem' → 'order item'."""
    return snake(identifier).replace("_", " ")


def join_words(items: list[str], conjunction: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
