"""Makers for the catalog tests: products, cart lines, wishlist entries and reviews, made through the
real model code, each in its own committed unit of work."""
from models.diora import cart, database, products, reviews, wishlist
from models.diora.tables.catalog import Product


def product(shop, *, name="Denim Jacket", price="99.99", stock=5, discount=0, category=("outerwear",), sizes=("S", "M"),
            variants=("Blue",), hidden=False, images=(("http://testserver/api/uploads/images/a.png", "images/a.png"),),
            **columns):
    with database.unit_of_work() as uow:
        made = products.create_product(uow.session, shop_id=shop.id, images=list(images), fields={
            "name": name, "description": f"{name}, made to last", "price": price, "stock": stock, "discount": discount,
            "category": list(category), "sizes": list(sizes), "variants": list(variants)})
        made.is_hidden = hidden
        for key, value in columns.items():
            setattr(made, key, value)
        uow.commit()
    return made


def reload(made):
    with database.reading() as session:
        return session.get(Product, made.id)


def in_cart(user, item, quantity=1, size="M", variant="Blue"):
    with database.unit_of_work() as uow:
        cart.add(uow.session, user_id=user.id, product_id=item.id, quantity=quantity, size=size, variant=variant)
        uow.commit()


def wished(user, item):
    with database.unit_of_work() as uow:
        wishlist.add(uow.session, user_id=user.id, product_id=item.id)
        uow.commit()


def review(user, target_type, target_id, rating=4, comment="Good"):
    with database.unit_of_work() as uow:
        made = reviews.create(uow.session, user_id=user.id, target_type=target_type, target_id=target_id,
                              rating=rating, comment=comment)
        uow.commit()
    return made


def order(buyer, lines, status="processing"):
    """An order of ``[(product, quantity, unit price)]`` written straight to the orders area's tables
    (only the columns the catalog reads, and the ones they require)."""
    from decimal import Decimal

    from models.diora.tables.orders import Order, OrderItem

    total = sum(Decimal(price) * quantity for _, quantity, price in lines)
    with database.unit_of_work() as uow:
        made = Order(order_number=f"T{next(_numbers):09d}", user_id=buyer.id, subtotal=total, total=total,
                     status=status, payment_method="cod", shipping_address={})
        uow.session.add(made)
        uow.session.flush()
        for position, (item, quantity, price) in enumerate(lines):
            uow.session.add(OrderItem(order_id=made.id, position=position, product_id=item.id, shop_id=item.shop_id,
                                      name=item.name, price=Decimal(price), quantity=quantity))
        uow.commit()
        return made.id


_numbers = __import__("itertools").count(1)
