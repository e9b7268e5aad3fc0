"""Domain knowledge of the built-in provider: common entities with sensible fields, relations and actions.

Descriptions name things in ordinary words ("tasks with due dates", "members borrow books"); these
tables map such words to typed fields, relations between entities and domain actions. Anything not
found here still becomes an entity with a name and a description.
"""

from dataclasses import dataclass, field
from typing import Any

from workspaces.specs.schema import NOW, TODAY


@dataclass(frozen=True)
class FieldTemplate:
    name: str
    type: str
    required: bool = False
    unique: bool = False
    values: tuple[str, ...] = ()
    default: Any = None
    description: str = ""

    def as_model(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "unique": self.unique,
        }
        if self.values:
            result["values"] = list(self.values)
        if self.default is not None:
            result["default"] = self.default
        if self.description:
            result["description"] = self.description
        return result


@dataclass(frozen=True)
class ActionTemplate:
    name: str
    verbs: tuple[str, ...]
    description: str
    sets: dict[str, Any]
    requires: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class EntityTemplate:
    key: str
    name: str
    words: tuple[str, ...]
    description: str
    fields: tuple[FieldTemplate, ...]
    relations: tuple[tuple[str, str, bool], ...] = ()  # (relation name, target key, required)
    actions: tuple[ActionTemplate, ...] = ()
    person: bool = False


F = FieldTemplate
_NAME = F("name", "string", required=True)
_PERSON = (_NAME, F("email", "email", unique=True), F("phone", "string"))
_WORKFLOW = ("todo", "in_progress", "done")


def _complete(status_field: str = "status") -> ActionTemplate:
    return ActionTemplate(
        "complete",
        ("complete", "completed", "completes", "finish", "finished", "done", "mark as done"),
        "Mark it done.",
        {status_field: "done"},
        {status_field: ["todo", "in_progress"]},
    )


def _cancel(values: tuple[str, ...]) -> ActionTemplate:
    return ActionTemplate(
        "cancel",
        ("cancel", "cancels", "cancelled", "canceled", "cancellation"),
        "Cancel it.",
        {"status": "cancelled"},
        {"status": list(values)},
    )


ENTITIES: tuple[EntityTemplate, ...] = (
    # Work tracking
    EntityTemplate(
        "project",
        "Project",
        ("project",),
        "A body of work that groups tasks.",
        (_NAME, F("description", "text"), F("status", "enum", values=("active", "archived"), default="active")),
        actions=(
            ActionTemplate(
                "archive",
                ("archive", "archived"),
                "Archive the project.",
                {"status": "archived"},
                {"status": ["active"]},
            ),
        ),
    ),
    EntityTemplate(
        "task",
        "Task",
        ("task", "todo", "to-do", "ticket", "issue", "chore"),
        "A piece of work to be done.",
        (
            F("title", "string", required=True),
            F("description", "text"),
            F("status", "enum", values=_WORKFLOW, default="todo"),
            F("priority", "enum", values=("low", "medium", "high"), default="medium"),
            F("due_date", "date"),
        ),
        relations=(("project", "project", False), ("assignee", "member", False), ("milestone", "milestone", False)),
        actions=(
            _complete(),
            ActionTemplate("reopen", ("reopen", "reopened"), "Reopen it.", {"status": "todo"}, {"status": ["done"]}),
        ),
    ),
    EntityTemplate(
        "milestone",
        "Milestone",
        ("milestone",),
        "A target date that groups tasks.",
        (_NAME, F("due_date", "date")),
        relations=(("project", "project", False),),
    ),
    EntityTemplate(
        "team", "Team", ("team", "workspace"), "A group of people working together.", (_NAME, F("description", "text"))
    ),
    EntityTemplate(
        "member",
        "Member",
        ("member",),
        "A person taking part.",
        _PERSON,
        relations=(("team", "team", False),),
        person=True,
    ),
    EntityTemplate(
        "comment",
        "Comment",
        ("comment",),
        "A remark left on something.",
        (F("body", "text", required=True),),
        relations=(("task", "task", False), ("post", "post", False), ("author", "member", False)),
    ),
    EntityTemplate(
        "time_entry",
        "TimeEntry",
        ("time entry", "time log", "timesheet"),
        "Time spent on a piece of work.",
        (F("minutes", "integer", required=True), F("spent_on", "date", required=True), F("note", "text")),
        relations=(("task", "task", True), ("member", "member", False)),
    ),
    # Library
    EntityTemplate(
        "book",
        "Book",
        ("book",),
        "A book in the collection.",
        (
            F("title", "string", required=True),
            F("author_name", "string", required=True),
            F("isbn", "string", unique=True),
            F("published_year", "integer"),
            F("copies", "integer", default=1),
        ),
        relations=(("author", "author", False),),
    ),
    EntityTemplate(
        "author",
        "Author",
        ("author", "writer"),
        "Someone who wrote books.",
        (_NAME, F("biography", "text")),
        person=True,
    ),
    EntityTemplate(
        "loan",
        "Loan",
        ("loan", "borrowing"),
        "A book lent to a member.",
        (F("borrowed_on", "date", required=True), F("due_date", "date", required=True), F("returned_on", "date")),
        relations=(("book", "book", True), ("member", "member", True)),
        actions=(
            ActionTemplate(
                "return", ("return", "returns", "returned"), "Record that the item came back.", {"returned_on": TODAY}
            ),
        ),
    ),
    EntityTemplate(
        "reservation",
        "Reservation",
        ("reservation", "booking"),
        "A claim on something for later.",
        (
            F("reserved_for", "datetime", required=True),
            F("status", "enum", values=("active", "fulfilled", "cancelled"), default="active"),
            F("notes", "text"),
        ),
        relations=(
            ("book", "book", False),
            ("room", "room", False),
            ("member", "member", False),
            ("customer", "customer", False),
        ),
        actions=(_cancel(("active",)),),
    ),
    # Shop
    EntityTemplate(
        "product",
        "Product",
        ("product",),
        "Something for sale.",
        (
            _NAME,
            F("description", "text"),
            F("price", "decimal", required=True),
            F("sku", "string", unique=True),
            F("stock", "integer", default=0),
        ),
        relations=(("category", "category", False),),
    ),
    EntityTemplate(
        "category",
        "Category",
        ("category",),
        "A group of products.",
        (F("name", "string", required=True, unique=True), F("description", "text")),
    ),
    EntityTemplate(
        "customer",
        "Customer",
        ("customer", "buyer", "client", "shopper"),
        "Someone who buys.",
        (*_PERSON, F("address", "text")),
        person=True,
    ),
    EntityTemplate(
        "order",
        "Order",
        ("order", "purchase"),
        "A customer's purchase.",
        (
            F("status", "enum", values=("pending", "paid", "shipped", "cancelled"), default="pending"),
            F("placed_at", "datetime"),
            F("total", "decimal"),
            F("shipping_address", "text"),
        ),
        relations=(("customer", "customer", True),),
        actions=(
            ActionTemplate(
                "pay",
                ("pay", "pays", "paid", "payment", "payments", "checkout"),
                "Record the payment.",
                {"status": "paid"},
                {"status": ["pending"]},
            ),
            ActionTemplate(
                "ship",
                ("ship", "ships", "shipped", "shipping", "deliver", "delivery"),
                "Mark it shipped.",
                {"status": "shipped"},
                {"status": ["paid"]},
            ),
            _cancel(("pending", "paid")),
        ),
    ),
    EntityTemplate(
        "order_item",
        "OrderItem",
        ("order item", "line item", "order line"),
        "One product in an order.",
        (F("quantity", "integer", required=True), F("unit_price", "decimal", required=True)),
        relations=(("order", "order", True), ("product", "product", True)),
    ),
    EntityTemplate(
        "review",
        "Review",
        ("review", "rating"),
        "A customer's opinion of a product.",
        (F("rating", "integer", required=True, description="1 to 5."), F("comment", "text")),
        relations=(("product", "product", True), ("customer", "customer", False)),
    ),
    EntityTemplate(
        "payment",
        "Payment",
        ("payment",),
        "Money received.",
        (
            F("amount", "decimal", required=True),
            F("paid_at", "datetime", required=True),
            F("method", "enum", values=("card", "cash", "transfer"), default="card"),
        ),
        relations=(("order", "order", False), ("invoice", "invoice", False)),
    ),
    EntityTemplate(
        "invoice",
        "Invoice",
        ("invoice",),
        "A request for payment.",
        (
            F("number", "string", required=True, unique=True),
            F("amount", "decimal", required=True),
            F("issued_on", "date", required=True),
            F("due_date", "date"),
            F("status", "enum", values=("draft", "sent", "paid"), default="draft"),
        ),
        relations=(("customer", "customer", False),),
        actions=(
            ActionTemplate(
                "send",
                ("send", "sends", "sent", "email"),
                "Send it to the customer.",
                {"status": "sent"},
                {"status": ["draft"]},
            ),
            ActionTemplate(
                "mark_paid",
                ("pay", "paid", "payment"),
                "Record that it was paid.",
                {"status": "paid"},
                {"status": ["sent"]},
            ),
        ),
    ),
    # Clinic
    EntityTemplate(
        "patient",
        "Patient",
        ("patient",),
        "A person receiving care.",
        (_NAME, F("date_of_birth", "date"), F("email", "email", unique=True), F("phone", "string")),
        person=True,
    ),
    EntityTemplate(
        "doctor",
        "Doctor",
        ("doctor", "physician", "clinician", "practitioner", "dentist", "therapist"),
        "A professional who sees patients.",
        (_NAME, F("specialty", "string"), F("email", "email", unique=True)),
        person=True,
    ),
    EntityTemplate(
        "appointment",
        "Appointment",
        ("appointment", "visit", "consultation"),
        "A booked time with a professional.",
        (
            F("starts_at", "datetime", required=True),
            F("duration_minutes", "integer", default=30),
            F("status", "enum", values=("scheduled", "completed", "cancelled"), default="scheduled"),
            F("reason", "text"),
        ),
        relations=(("patient", "patient", True), ("doctor", "doctor", True), ("clinic", "clinic", False)),
        actions=(
            _cancel(("scheduled",)),
            ActionTemplate(
                "complete",
                ("complete", "completed", "attend", "attended"),
                "Record that it took place.",
                {"status": "completed"},
                {"status": ["scheduled"]},
            ),
        ),
    ),
    EntityTemplate(
        "clinic",
        "Clinic",
        ("clinic",),
        "A place where appointments happen.",
        (_NAME, F("address", "text"), F("phone", "string")),
    ),
    EntityTemplate(
        "prescription",
        "Prescription",
        ("prescription",),
        "Medication prescribed to a patient.",
        (
            F("medication", "string", required=True),
            F("dosage", "string", required=True),
            F("issued_on", "date", required=True),
        ),
        relations=(("patient", "patient", True), ("doctor", "doctor", False)),
    ),
    # Publishing, events, learning, people, misc.
    EntityTemplate(
        "post",
        "Post",
        ("post", "article", "blog post"),
        "A piece of writing.",
        (
            F("title", "string", required=True),
            F("body", "text", required=True),
            F("status", "enum", values=("draft", "published"), default="draft"),
            F("published_at", "datetime"),
        ),
        actions=(
            ActionTemplate(
                "publish",
                ("publish", "publishes", "published"),
                "Publish it.",
                {"status": "published", "published_at": NOW},
                {"status": ["draft"]},
            ),
        ),
    ),
    EntityTemplate(
        "event",
        "Event",
        ("event", "meetup", "conference"),
        "Something that happens at a time and place.",
        (
            F("title", "string", required=True),
            F("starts_at", "datetime", required=True),
            F("ends_at", "datetime"),
            F("location", "string"),
            F("capacity", "integer"),
        ),
    ),
    EntityTemplate(
        "registration",
        "Registration",
        ("registration", "rsvp", "signup"),
        "A person attending an event.",
        (F("status", "enum", values=("confirmed", "cancelled"), default="confirmed"),),
        relations=(("event", "event", True), ("member", "member", False)),
        actions=(_cancel(("confirmed",)),),
    ),
    EntityTemplate(
        "room",
        "Room",
        ("room", "space", "desk"),
        "A place that can be booked.",
        (_NAME, F("capacity", "integer"), F("location", "string")),
    ),
    EntityTemplate(
        "course",
        "Course",
        ("course",),
        "Something taught.",
        (F("title", "string", required=True), F("description", "text"), F("starts_on", "date")),
    ),
    EntityTemplate("student", "Student", ("student", "learner", "pupil"), "Someone who learns.", _PERSON, person=True),
    EntityTemplate(
        "teacher", "Teacher", ("teacher", "instructor", "tutor"), "Someone who teaches.", _PERSON, person=True
    ),
    EntityTemplate(
        "enrollment",
        "Enrollment",
        ("enrollment", "enrolment"),
        "A student taking a course.",
        (F("enrolled_on", "date", required=True), F("grade", "string")),
        relations=(("course", "course", True), ("student", "student", True)),
    ),
    EntityTemplate(
        "employee",
        "Employee",
        ("employee", "worker"),
        "Someone who works here.",
        (*_PERSON, F("job_title", "string")),
        relations=(("department", "department", False),),
        person=True,
    ),
    EntityTemplate(
        "department",
        "Department",
        ("department",),
        "A part of the organisation.",
        (F("name", "string", required=True, unique=True),),
    ),
    EntityTemplate(
        "contact",
        "Contact",
        ("contact",),
        "Someone to keep in touch with.",
        (*_PERSON, F("company_name", "string"), F("notes", "text")),
        person=True,
    ),
    EntityTemplate(
        "expense",
        "Expense",
        ("expense",),
        "Money spent.",
        (
            F("amount", "decimal", required=True),
            F("spent_on", "date", required=True),
            F("description", "text"),
            F("status", "enum", values=("submitted", "approved", "rejected"), default="submitted"),
        ),
        relations=(("employee", "employee", False),),
        actions=(
            ActionTemplate(
                "approve",
                ("approve", "approves", "approved", "approval"),
                "Approve it.",
                {"status": "approved"},
                {"status": ["submitted"]},
            ),
        ),
    ),
    EntityTemplate(
        "notification",
        "Notification",
        ("notification", "alert", "reminder"),
        "A message shown to a user.",
        (F("message", "text", required=True), F("read_at", "datetime")),
        actions=(ActionTemplate("mark_read", ("read", "dismiss", "acknowledge"), "Mark it read.", {"read_at": NOW}),),
    ),
    EntityTemplate(
        "note",
        "Note",
        ("note", "memo"),
        "A short piece of text.",
        (F("title", "string", required=True), F("body", "text")),
    ),
    EntityTemplate(
        "recipe",
        "Recipe",
        ("recipe",),
        "How to cook something.",
        (F("title", "string", required=True), F("instructions", "text", required=True), F("servings", "integer")),
    ),
    EntityTemplate(
        "vehicle",
        "Vehicle",
        ("vehicle", "car", "truck"),
        "A vehicle in the fleet.",
        (F("plate", "string", required=True, unique=True), F("model", "string"), F("year", "integer")),
    ),
)

ENTITY_BY_KEY = {template.key: template for template in ENTITIES}

# Words that are also verbs ("book an appointment", "issue invoices"): they name an entity only in
# the plural or after a determiner.
AMBIGUOUS_WORDS = {
    "book",
    "order",
    "review",
    "post",
    "note",
    "issue",
    "comment",
    "event",
    "contact",
    "visit",
    "booking",
}
DETERMINERS = {
    "a",
    "an",
    "the",
    "each",
    "every",
    "their",
    "his",
    "her",
    "its",
    "our",
    "my",
    "your",
    "new",
    "any",
    "one",
}

# Words that mean an entity the description does not name: "members borrow books" needs loans.
IMPLIED_BY = {
    "loan": ("borrow", "borrows", "borrowed", "borrowing", "lend", "lends", "lending", "check out", "checks out"),
    "order": ("buy", "buys", "purchase", "purchases", "checkout", "cart", "place orders", "orders"),
    "time_entry": ("time tracking", "track time", "tracks time", "log time", "logs time", "time spent", "timesheets"),
    "review": ("review", "reviews", "rate", "rates"),
    "reservation": ("reserve", "reserves", "reserved"),
    "appointment": ("book appointments", "books appointments", "schedule appointments", "booking system"),
    "enrollment": ("enroll", "enrol", "enrolls", "enrols", "sign up for courses"),
    "notification": ("notify", "notifies", "notification", "notifications", "remind", "reminders"),
    "comment": ("comment on", "comments on", "discuss"),
}
# Entities whose presence together implies another.
IMPLIED_BY_PAIR = {("order", "product"): "order_item"}
# Words that imply an entity only next to another one: people "register" for events (elsewhere it means an account).
IMPLIED_WITH = {"registration": ("event", ("register", "registers", "rsvp", "rsvps", "attend", "attends", "sign up"))}

FIELD_PHRASES: tuple[tuple[tuple[str, ...], FieldTemplate], ...] = (
    (("due date", "due dates", "deadline", "deadlines"), F("due_date", "date")),
    (("priority", "priorities"), F("priority", "enum", values=("low", "medium", "high"), default="medium")),
    (("price", "prices"), F("price", "decimal", required=True)),
    (("cost", "costs"), F("cost", "decimal")),
    (("quantity", "quantities"), F("quantity", "integer", required=True)),
    (("rating", "ratings", "stars"), F("rating", "integer", required=True)),
    (("email address", "email addresses", "email", "emails"), F("email", "email")),
    (("phone number", "phone numbers", "phone"), F("phone", "string")),
    (("address", "addresses"), F("address", "text")),
    (("notes",), F("notes", "text")),
    (("tags", "labels"), F("tags", "string", description="Comma-separated tags.")),
    (("photo", "photos", "image", "images", "picture", "pictures"), F("image_url", "string")),
    (("location", "locations", "venue"), F("location", "string")),
    (("start time", "start times", "start date", "start dates"), F("starts_at", "datetime")),
    (("end time", "end times", "end date", "end dates"), F("ends_at", "datetime")),
    (("duration", "durations"), F("duration_minutes", "integer")),
    (("capacity", "capacities"), F("capacity", "integer")),
    (("isbn", "isbns"), F("isbn", "string", unique=True)),
    (("sku", "skus"), F("sku", "string", unique=True)),
    (("stock", "stock levels", "inventory"), F("stock", "integer", default=0)),
    (("budget", "budgets"), F("budget", "decimal")),
    (("amount", "amounts"), F("amount", "decimal")),
    (("date of birth", "dates of birth", "birthday", "birthdays"), F("date_of_birth", "date")),
    (("specialty", "specialties", "speciality"), F("specialty", "string")),
    (("estimate", "estimates", "story points"), F("estimate_hours", "decimal")),
    (("website", "websites", "url", "urls"), F("url", "string")),
    (("color", "colour", "colors", "colours"), F("color", "string")),
    (("description", "descriptions"), F("description", "text")),
    (("status", "statuses"), F("status", "enum", values=("open", "closed"), default="open")),
)

# Role words → role name. "Admin" is always offered.
ROLE_WORDS = {
    "admin": ("admin", "admins", "administrator", "administrators"),
    "manager": ("manager", "managers"),
    "member": ("member", "members"),
    "librarian": ("librarian", "librarians"),
    "customer": ("customer", "customers", "shopper", "shoppers"),
    "staff": ("staff", "employee", "employees"),
    "doctor": ("doctor", "doctors", "physician", "physicians", "clinician", "clinicians"),
    "receptionist": ("receptionist", "receptionists", "front desk"),
    "nurse": ("nurse", "nurses"),
    "patient": ("patient", "patients"),
    "teacher": ("teacher", "teachers", "instructor", "instructors"),
    "student": ("student", "students"),
    "editor": ("editor", "editors"),
    "seller": ("seller", "sellers", "vendor", "vendors", "merchant", "merchants"),
    "agent": ("agent", "agents"),
    "viewer": ("viewer", "viewers", "guest", "guests", "read-only"),
}

# Verbs that give a role write access to the entities named with it in the same sentence.
MANAGE_VERBS = (
    "manage",
    "manages",
    "add",
    "adds",
    "create",
    "creates",
    "edit",
    "edits",
    "maintain",
    "maintains",
    "update",
    "updates",
    "catalog",
    "catalogs",
    "catalogue",
    "register",
    "registers",
    "schedule",
    "schedules",
    "book",
    "books",
    "place",
    "places",
    "borrow",
    "borrows",
    "write",
    "writes",
    "publish",
    "publishes",
    "assign",
    "assigns",
    "log",
    "logs",
    "track",
    "tracks",
    "review",
    "reviews",
    "order",
    "orders",
)

# Verbs after which an unknown plural noun is taken to be an entity ("track invoices").
ENTITY_VERBS = (
    "manage",
    "manages",
    "track",
    "tracks",
    "create",
    "creates",
    "add",
    "adds",
    "record",
    "records",
    "store",
    "stores",
    "organize",
    "organizes",
    "catalog",
    "catalogs",
    "list",
    "lists",
    "sell",
    "sells",
    "share",
    "shares",
    "plan",
    "plans",
    "collect",
    "collects",
    "monitor",
    "monitors",
    "handle",
    "handles",
)

# Words never taken for entities, even after an entity verb.
NOT_ENTITIES = {
    "them",
    "it",
    "things",
    "data",
    "information",
    "details",
    "their",
    "users",
    "user",
    "accounts",
    "account",
    "everything",
    "lots",
    "time",
    "progress",
    "changes",
    "updates",
    "stuff",
    "items",
    "records",
    "who",
    "what",
}

AUTH_WORDS = {
    "email_password": (
        "log in",
        "login",
        "logs in",
        "sign in",
        "signs in",
        "password",
        "passwords",
        "register",
        "sign up",
        "signs up",
        "account",
        "accounts",
    ),
    "none": ("no login", "without login", "no sign-in", "public api", "anonymous", "no accounts"),
}
REALTIME_WORDS = ("real-time", "realtime", "real time", "live", "instantly", "instant", "websocket", "push")
INTEGRATION_WORDS = {
    "Email notifications": (
        "email notification",
        "email notifications",
        "send emails",
        "emails users",
        "notify by email",
    ),
    "Payments": ("stripe", "paypal", "payments", "pay online", "card payment"),
    "File uploads": ("upload", "uploads", "attachment", "attachments", "files"),
}
