"""The Federation 2 SDL of each benchmark subgraph, as its `_service { sdl }` returns it."""

from __future__ import annotations

from typing import Final

_LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [{imports}])\n\n'
)


def _with_link(imports: tuple[str, ...], types: str) -> str:
    listed = ", ".join(f'"{name}"' for name in imports)
    return _LINK.format(imports=listed) + types


ACCOUNTS: Final = _with_link(
    ("@key",),
    """type Query {
  me: User
  user(id: ID!): User
  users: [User]
}

type User @key(fields: "id") {
  id: ID!
  name: String
  username: String
  birthday: Int
}
""",
)

INVENTORY: Final = _with_link(
    ("@key", "@external", "@requires"),
    """type Product @key(fields: "upc") {
  upc: String!
  weight: Int @external
  price: Int @external
  inStock: Boolean
  shippingEstimate: Int @requires(fields: "price weight")
}
""",
)

PRODUCTS: Final = _with_link(
    ("@key",),
    """type Query {
  topProducts(first: Int = 5): [Product]
}

type Product @key(fields: "upc") {
  upc: String!
  name: String
  price: Int
  weight: Int
}
""",
)

REVIEWS: Final = _with_link(
    ("@key", "@external", "@provides"),
    """type Review @key(fields: "id") {
  id: ID!
  body: String
  product: Product
  author: User @provides(fields: "username")
}

type User @key(fields: "id") {
  id: ID!
  username: String @external
  reviews: [Review]
}

type Product @key(fields: "upc") {
  upc: String!
  reviews: [Review]
}
""",
)

SUBGRAPH_SDL: Final[dict[str, str]] = {
    "accounts": ACCOUNTS,
    "inventory": INVENTORY,
    "products": PRODUCTS,
    "reviews": REVIEWS,
}
