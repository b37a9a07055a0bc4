"""What one operation may cost, checked before anything is read: tokens, depth, aliases, cost.

A query is refused with a GraphQL error naming the limit (`extensions.code`, the setting,
the limit and what the query measured) before validation and execution, so a hostile query
costs a parse and one walk of its fields, never a slow answer or a 500:

- `GRAPHQL_MAX_TOKENS`: the parser stops past this many tokens (a 10 MB query is not parsed);
- `GRAPHQL_MAX_DEPTH`: fields nested deeper than this (`reviews { cast { person { … } } }`
  is 3 deep at `person`);
- `GRAPHQL_MAX_ALIASES`: aliases in the operation (each alias may repeat a whole listing);
- `GRAPHQL_MAX_COST`: the objects the answer may hold (see `measure`).

Introspection fields (`__schema`, `__type`) are not measured: they read the schema, not the
database, and `GRAPHQL_INTROSPECTION` switches them off. Documents that pass are validated
once per query text (an LRU cache), as they are parsed once (strawberry's `ParserCache`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    VariableNode,
    get_named_type,
    is_composite_type,
    parse,
)
from graphql.validation import NoSchemaIntrospectionCustomRule, specified_rules
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from ...conf import reviews_settings

#: The size a list without a `limit` argument counts as (a cast, a body, a filmography).
LIST_SIZE = 10
#: Fields worth more than one object each: what they read per object of their parent
#: (what a reader may read next: three queries per review).
FIELD_WEIGHTS = {("Review", "related"): 30, ("Review", "moreByCritic"): 30}
#: Parsed and validated documents kept, by query text.
DOCUMENTS_KEPT = 256


def limit_max() -> int:
    """Wagtail's WAGTAILAPI_LIMIT_MAX, as the v3 listings: the largest `limit` of a list
    (None there: no limit; a list then counts as 1,000)."""
    most = getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20)
    return int(most) if most is not None else 1000


@dataclass
class Measure:
    depth: int = 0
    aliases: int = 0
    cost: int = 0


def _is_list(graphql_type) -> bool:
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return isinstance(graphql_type, GraphQLList)


def _argument_value(field_node: FieldNode, field_def, name: str, variables: dict):
    """An argument's value in the query, in the variables, or its default; None if unknown."""
    for argument in field_node.arguments or ():
        if argument.name.value != name:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            return variables.get(value.name.value)
        return None
    argument = field_def.args.get(name)
    return argument.default_value if argument is not None else None


class _Walk:
    """One operation's fields, with fragments, each counted where it is spread."""

    def __init__(self, schema, fragments, variables, max_depth: int, max_list: int):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables or {}
        self.max_depth = max_depth
        self.max_list = max_list
        self.measure = Measure()

    def _list_size(self, node: FieldNode, field_def) -> int:
        if "limit" not in field_def.args:
            return LIST_SIZE
        value = _argument_value(node, field_def, "limit", self.variables)
        if not isinstance(value, int) or isinstance(value, bool):
            return self.max_list
        return max(0, min(value, self.max_list))

    def selections(self, selection_set, parent_type, depth: int, multiplier: int, spreads):
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.field(selection, parent_type, depth, multiplier, spreads)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                scope = self.schema.get_type(condition.name.value) if condition else parent_type
                self.selections(selection.selection_set, scope, depth, multiplier, spreads)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in spreads:  # unknown or cyclic: validation says
                    continue
                scope = self.schema.get_type(fragment.type_condition.name.value)
                self.selections(fragment.selection_set, scope, depth, multiplier, spreads | {name})

    def field(self, node: FieldNode, parent_type, depth: int, multiplier: int, spreads):
        name = node.name.value
        if name.startswith("__"):
            return  # introspection reads the schema: GRAPHQL_INTROSPECTION rules it
        if node.alias is not None:
            self.measure.aliases += 1
        depth += 1
        self.measure.depth = max(self.measure.depth, depth)
        fields = getattr(parent_type, "fields", None) or {}
        field_def = fields.get(name)
        if field_def is None:
            return  # unknown: validation will say so
        named = get_named_type(field_def.type)
        if not is_composite_type(named):
            return
        items = multiplier * (self._list_size(node, field_def) if _is_list(field_def.type) else 1)
        if depth <= self.max_depth:  # deeper, the query is refused for its depth alone
            weight = FIELD_WEIGHTS.get((parent_type.name, name), 1)
            self.measure.cost += weight * items
        self.selections(node.selection_set, named, depth, items, spreads)


def measure(
    schema: GraphQLSchema,
    document,
    variables: dict | None,
    *,
    max_depth: int,
    max_list: int,
) -> Measure:
    """The largest depth, aliases and cost of the document's operations.

    Cost: every object the answer may hold counts 1 (times its weight in
    `FIELD_WEIGHTS`), scalars 0. A list holds its `limit` argument's value (or its default),
    else `LIST_SIZE`; a list inside a list multiplies. `reviews(limit: 100) { cast { person
    { name } } }` costs 100 + 100 × 10 + 100 × 10 = 2,100.
    """
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    worst = Measure()
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        root = schema.get_root_type(definition.operation)
        if root is None:
            continue
        walk = _Walk(schema, fragments, variables, max_depth, max_list)
        walk.selections(definition.selection_set, root, 0, 1, frozenset())
        worst.depth = max(worst.depth, walk.measure.depth)
        worst.aliases = max(worst.aliases, walk.measure.aliases)
        worst.cost = max(worst.cost, walk.measure.cost)
    return worst


def refusal(code: str, setting: str, limit: int, measured: int, what: str) -> GraphQLError:
    return GraphQLError(
        f"{what} is {measured}: more than the {limit} this server allows "
        f"(REVIEW_PAGES['{setting}']).",
        extensions={"code": code, "setting": setting, "limit": limit, "measured": measured},
    )


def _too_deep() -> GraphQLError:
    most = int(reviews_settings.GRAPHQL_MAX_DEPTH)
    return GraphQLError(
        f"The query is nested too deeply to read: far more than the {most} levels this "
        "server allows (REVIEW_PAGES['GRAPHQL_MAX_DEPTH']).",
        extensions={"code": "MAX_DEPTH_EXCEEDED", "setting": "GRAPHQL_MAX_DEPTH", "limit": most},
    )


def check(schema: GraphQLSchema, document, variables: dict | None) -> list[GraphQLError]:
    """The limits the document goes past (none: it may be validated and run)."""
    max_depth = int(reviews_settings.GRAPHQL_MAX_DEPTH)
    try:
        found = measure(schema, document, variables, max_depth=max_depth, max_list=limit_max())
    except RecursionError:
        return [_too_deep()]
    errors = []
    if found.depth > max_depth:
        errors.append(
            refusal(
                "MAX_DEPTH_EXCEEDED",
                "GRAPHQL_MAX_DEPTH",
                max_depth,
                found.depth,
                "The query's depth",
            )
        )
        return errors  # its cost was measured down to the limit only
    max_aliases = int(reviews_settings.GRAPHQL_MAX_ALIASES)
    if found.aliases > max_aliases:
        errors.append(
            refusal(
                "MAX_ALIASES_EXCEEDED",
                "GRAPHQL_MAX_ALIASES",
                max_aliases,
                found.aliases,
                "The number of aliases",
            )
        )
    max_cost = int(reviews_settings.GRAPHQL_MAX_COST)
    if found.cost > max_cost:
        errors.append(
            refusal(
                "MAX_COST_EXCEEDED", "GRAPHQL_MAX_COST", max_cost, found.cost, "The query's cost"
            )
        )
    return errors


@functools.lru_cache(maxsize=DOCUMENTS_KEPT)
def parsed(query: str, max_tokens: int):
    return parse(query, max_tokens=max_tokens)


@functools.lru_cache(maxsize=DOCUMENTS_KEPT)
def _validated(schema: GraphQLSchema, query: str, max_tokens: int, introspection: bool):
    """graphql-core's rules and strawberry's, with introspection refused when it is off."""
    rules = tuple(specified_rules)
    if not introspection:
        rules += (NoSchemaIntrospectionCustomRule,)
    return tuple(validate_document(schema, parsed(query, max_tokens), rules))


class QueryLimits(SchemaExtension):
    """Made for each operation (the settings are read then): parses with the token limit,
    refuses what goes past the other limits, and validates (with introspection refused when
    `GRAPHQL_INTROSPECTION` is off) once per query text."""

    def __init__(self) -> None:
        self.max_tokens = int(reviews_settings.GRAPHQL_MAX_TOKENS)
        self.introspection = bool(reviews_settings.GRAPHQL_INTROSPECTION)

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.max_tokens
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            try:
                context.graphql_document = parsed(context.query, self.max_tokens)
            except GraphQLError as error:
                if "nested too deeply" in error.message:  # graphql-core's own bound (200)
                    raise _too_deep() from error
                if "tokens" in error.message:
                    raise refusal(
                        "MAX_TOKENS_EXCEEDED",
                        "GRAPHQL_MAX_TOKENS",
                        self.max_tokens,
                        self.max_tokens + 1,
                        "The query's length in tokens",
                    ) from error
                # Left unparsed: strawberry parses it again and answers the syntax error.
            except RecursionError:
                raise _too_deep() from None
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            schema = context.schema._schema
            errors = check(schema, document, context.variables)
            if not errors and context.query:
                errors = list(
                    _validated(schema, context.query, self.max_tokens, self.introspection)
                )
            # Set (even empty), they stand for strawberry's own validation.
            context.pre_execution_errors = errors
        yield
