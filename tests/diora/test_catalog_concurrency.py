"""Catalog races on a real, committed database from real threads: one review per user and target, rating
figures exact, stock never oversold, cart lines merged."""
import secrets

from sqlalchemy import func, select

from models.diora import cart, products, reviews, stock, users
from models.diora.tables.catalog import CartItem, Product, Review
from models.errors import Conflict, RuleViolation
from tests.diora.test_concurrency import RACERS, account, race_db, run_together  # noqa: F401  (the fixture)


def shop_with_product(database, *, stock_count=5):
    with database.unit_of_work() as uow:
        tag = secrets.token_hex(4)
        shop = users.create_account(uow.session, email=f"s{tag}@example.com", username=f"s{tag}", full_name="Shop",
                                    password_hash="x", type="shop")
        uow.session.flush()
        item = products.create_product(uow.session, shop_id=shop.id, images=[], fields={
            "name": "Scarf", "description": "Wool", "price": "20", "stock": stock_count})
        uow.commit()
        return shop.id, item.id


def test_the_same_review_sent_at_once_is_stored_once(race_db):
    shop_id, product_id = shop_with_product(race_db)
    reviewer = account(race_db, "rev")

    def review(index):
        with race_db.unit_of_work() as uow:
            reviews.create(uow.session, user_id=reviewer, target_type="product", target_id=product_id, rating=4)
            uow.commit()

    results = run_together(review)
    assert results.count(None) == 1
    assert all(isinstance(r, Conflict) for r in results if r is not None)
    with race_db.reading() as session:
        item = session.get(Product, product_id)
        assert (item.rating_sum, item.review_count) == (4, 1)
        assert session.scalar(select(func.count()).select_from(Review).where(Review.product_id == product_id)) == 1


def test_many_reviewers_at_once_keep_the_shops_figures_exact(race_db):
    shop_id, _ = shop_with_product(race_db)
    reviewers = [account(race_db, "rv") for _ in range(RACERS)]

    def review(index):
        with race_db.unit_of_work() as uow:
            reviews.create(uow.session, user_id=reviewers[index], target_type="shop", target_id=shop_id,
                           rating=index % 5 + 1)
            uow.commit()

    assert run_together(review) == [None] * RACERS
    with race_db.reading() as session:
        shop = users.get_user(session, shop_id)
        assert (shop.shop_rating_sum, shop.shop_review_count) == (sum(i % 5 + 1 for i in range(RACERS)), RACERS)


def test_stock_is_never_oversold(race_db):
    _, product_id = shop_with_product(race_db, stock_count=3)

    def buy(index):
        with race_db.unit_of_work() as uow:
            stock.take_stock(uow.session, [(product_id, 1)])
            uow.commit()

    results = run_together(buy)
    assert results.count(None) == 3
    assert all(isinstance(r, RuleViolation) and r.code == "CART_002" for r in results if r is not None)
    with race_db.reading() as session:
        item = session.get(Product, product_id)
        assert (item.stock, item.sold_count) == (0, 3)


def test_adding_the_same_line_at_once_merges(race_db):
    _, product_id = shop_with_product(race_db, stock_count=100)
    buyer = account(race_db, "buyer")

    def add(index):
        with race_db.unit_of_work() as uow:
            cart.add(uow.session, user_id=buyer, product_id=product_id, quantity=1, size="M", variant="")
            uow.commit()

    assert run_together(add) == [None] * RACERS
    with race_db.reading() as session:
        assert list(session.scalars(select(CartItem.quantity).where(CartItem.user_id == buyer))) == [RACERS]
