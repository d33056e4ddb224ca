"""Static data of the benchmark subgraphs: 6 users, 9 products, 11 reviews.

The shapes follow the public graphql-gateways-benchmark federation scenario (user 1 is `urigo`,
reviews sit on products 1-4, `topProducts` takes the first five); the names and texts are ours.
"""

from __future__ import annotations

from typing import Final, TypedDict


class UserRow(TypedDict):
    id: str
    name: str
    username: str
    birthday: int


class ProductRow(TypedDict):
    upc: str
    name: str
    price: int
    weight: int


class ReviewRow(TypedDict):
    id: str
    body: str
    product_upc: str


USERS: Final[tuple[UserRow, ...]] = (
    {"id": "1", "name": "Uri Goldshtein", "username": "urigo", "birthday": 1234567890},
    {"id": "2", "name": "Mara Ellison", "username": "mellison", "birthday": 1234567890},
    {"id": "3", "name": "Tomasz Wrona", "username": "twrona", "birthday": 1234567890},
    {"id": "4", "name": "Ines Carvalho", "username": "icarvalho", "birthday": 1234567890},
    {"id": "5", "name": "Kwame Mensah", "username": "kmensah", "birthday": 1234567890},
    {"id": "6", "name": "Lena Vogt", "username": "lvogt", "birthday": 1234567890},
)

PRODUCTS: Final[tuple[ProductRow, ...]] = (
    {"upc": "1", "name": "Desk", "price": 899, "weight": 100},
    {"upc": "2", "name": "Sofa", "price": 1299, "weight": 1000},
    {"upc": "3", "name": "Mug", "price": 15, "weight": 20},
    {"upc": "4", "name": "Stool", "price": 499, "weight": 100},
    {"upc": "5", "name": "Radio", "price": 1299, "weight": 1000},
    {"upc": "6", "name": "Kettle", "price": 6999, "weight": 300},
    {"upc": "7", "name": "Bicycle", "price": 3999, "weight": 2000},
    {"upc": "8", "name": "Freezer", "price": 100000, "weight": 6000},
    {"upc": "9", "name": "Bookcase", "price": 9999, "weight": 800},
)

_LONG = (
    "Quando nemo lacus vertit ordine, ferrum sine pondere manet et fluctus ante portam "
    "silescunt. Omnis tabula veteris horti plena est verbis quae nemo iam legit, sed "
    "custos noctis lucernam servat atque pagina sequitur paginam sine fine. Hinc venti "
    "campos lustrant, hinc rivi tacent; brevis hora longum iter facit, et qui manet "
    "discit quod qui fugit numquam videbit. Ergo sedeamus dum lux."
)

REVIEWS: Final[tuple[ReviewRow, ...]] = (
    {
        "id": "1",
        "product_upc": "1",
        "body": (
            "Varium et mutabile lignum, dixit faber, et mensam posuit prope fenestram ubi sol "
            "matutinus chartas calefacit. Pedes firmi stant, tabula lata omnes libros capit, "
            "lucernam, atramentum et calicem sine angustia, "
            "neque tremit cum calamus currit. Post menses multos color idem manet, neque "
            "rima ulla apparet. Qui scribit hic diu sedet et rarius surgit quam vellet. Hieme "
            "lignum non crepat, aestate non glutinat; vicini iam eandem mensam quaerunt."
        ),
    },
    {
        "id": "2",
        "product_upc": "1",
        "body": (
            "Ante lucem venit, post tenebras mansit: sic opus perficitur. Angulus tamen unus "
            "paulum asper erat, quem lima brevi correxi. Ceterum res bene facta, cera "
            "nitida, cardines taciti. Pretium iustum videtur pro ligno tam solido, et "
            "nuntius qui eam attulit comis fuit atque patiens in scalis angustis."
        ),
    },
    {
        "id": "3",
        "product_upc": "1",
        "body": (
            "Nunc mensa mea domus est codicum, lucernae et poculorum. Longitudo apta, "
            "altitudo commoda cubitis, et pulvis facile tergitur. Frater meus similem emit "
            "et eandem laudem canit; nemo nostrum paenitet."
        ),
    },
    {
        "id": "4",
        "product_upc": "1",
        "body": (
            "Parva querela: cochleae quattuor deerant in capsa. Mercator statim misit novas "
            "et epistulam comem addidit. Nunc omnia recte."
        ),
    },
    {
        "id": "5",
        "product_upc": "2",
        "body": (
            "Mollis ut nubes, latus ut ripa fluminis, pulvinus profundus quo totus vesper "
            "evanescit. Canis noster primus locum occupavit neque cedere vult; pueri post "
            "eum. Textura densa pilos felium non retinet, quod in domo nostra magni momenti "
            "est. Color griseus lucem vespertinam bene bibit et pulverem celat. Unum tantum "
            "doleo: nimis gravis est ut solus moveam cum pavimentum verro."
        ),
    },
    {
        "id": "6",
        "product_upc": "2",
        "body": (
            "Tres homines ad scalas portandum opus fuit, et ianua paene vicit. Sed postquam "
            "intravit, omnes labores obliti sumus. Sedes altae, dorsum rectum, bracchia "
            "lata satis ut poculum teneant. Post annum nondum cedit sub pondere."
        ),
    },
    {
        "id": "7",
        "product_upc": "2",
        "body": (
            "Pulchra forma, sed tegumentum facilius maculatur quam speravi. Vinum rubrum et "
            "sella clara non sunt amici. Aqua tepida et sapo lenis rem servaverunt."
        ),
    },
    {
        "id": "8",
        "product_upc": "2",
        "body": (
            "Bene dormitur in eo cum hospites veniunt. Pro lecto breve est, pro sella "
            "optimum. Iterum emerem sine dubio."
        ),
    },
    {
        "id": "9",
        "product_upc": "3",
        "body": (
            "Calidum tenet diutius quam vitrum vetus, ansa non urit digitos, et in machina "
            "lavatoria tuto purgatur. Quid plus optare possum?"
        ),
    },
    {
        "id": "10",
        "product_upc": "4",
        "body": (
            "Humilis sed fortis, in culina stat et omnes ad mensam invitat. Lignum leve, "
            "pedes non labuntur. Bonum emptum."
        ),
    },
    {"id": "11", "product_upc": "4", "body": _LONG},
)

PRODUCTS_BY_UPC: Final[dict[str, ProductRow]] = {row["upc"]: row for row in PRODUCTS}
USERS_BY_ID: Final[dict[str, UserRow]] = {row["id"]: row for row in USERS}
REVIEWS_BY_ID: Final[dict[str, ReviewRow]] = {row["id"]: row for row in REVIEWS}

# The benchmark's fixed author: every review is written by user 1, who has the first two reviews.
AUTHOR_ID: Final = "1"
AUTHOR_REVIEW_COUNT: Final = 2
TOP_PRODUCTS_DEFAULT: Final = 5


def in_stock(upc: str) -> bool:
    """Stock alternates along the catalogue: odd UPCs are in stock, even ones are not."""
    return int(upc) % 2 == 1


def shipping_estimate(price: int | None, weight: int | None) -> int | None:
    """Free above a price of 1000, otherwise half the weight; unknown without price and weight."""
    if price is None or weight is None:
        return None
    if price > 1000:
        return 0
    return weight // 2
