"""A contract split per area (openapi/<product>/<area>.yaml) is joined into the one document the app serves."""
import textwrap

import pytest

import openapi


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def split(tmp_path):
    root = write(tmp_path / "shop.yaml", """\
        openapi: 3.0.3
        info: {title: Shop, version: "1"}
        paths:
          /post:
            $ref: "shop/post.yaml#/paths/~1post"
        components:
          schemas:
            Envelope:
              type: object
              properties: {status: {type: boolean}}
            Node:
              type: object
              properties: {children: {type: array, items: {$ref: "#/components/schemas/Node"}}}
        """)
    write(tmp_path / "shop" / "post.yaml", """\
        paths:
          /post:
            get:
              operationId: post.list_posts
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/PostPage"}
                "400": {$ref: "../shop.yaml#/components/schemas/Envelope"}
        components:
          schemas:
            PostPage:
              allOf:
                - $ref: "../shop.yaml#/components/schemas/Envelope"
                - type: object
                  properties: {posts: {type: array, items: {$ref: "../shop.yaml#/components/schemas/Node"}}}
        """)
    return root


class TestBundle:
    def test_path_items_are_inlined_and_components_hoisted_by_name(self, split):
        doc = openapi.bundle(split)
        get = doc["paths"]["/post"]["get"]
        assert get["operationId"] == "post.list_posts"
        assert get["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PostPage"}
        assert get["responses"]["400"] == {"$ref": "#/components/schemas/Envelope"}
        assert sorted(doc["components"]["schemas"]) == ["Envelope", "Node", "PostPage"]
        assert doc["components"]["schemas"]["PostPage"]["allOf"][0] == {"$ref": "#/components/schemas/Envelope"}
        assert doc["components"]["schemas"]["Node"]["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Node"}
        assert doc["info"] == {"title": "Shop", "version": "1"}

    def test_two_components_with_one_name_are_refused(self, split, tmp_path):
        area = tmp_path / "shop" / "post.yaml"
        area.write_text(area.read_text().replace("PostPage", "Envelope"))
        with pytest.raises(openapi.BundleError, match="two components named schemas/Envelope"):
            openapi.bundle(split)

    def test_a_missing_target_names_the_file(self, split, tmp_path):
        (tmp_path / "shop.yaml").write_text((tmp_path / "shop.yaml").read_text().replace("~1post", "~1nope"))
        with pytest.raises(openapi.BundleError, match=r"post.yaml#/paths/~1nope"):
            openapi.bundle(split)


class TestShippedSpecs:
    @pytest.mark.parametrize("product", ["ionora", "looking"])
    def test_a_single_file_spec_bundles_to_itself(self, product):
        import yaml

        source = yaml.safe_load(openapi.spec_path(product).read_text())
        bundled = openapi.load(product)
        assert bundled["paths"] == source["paths"]
        assert bundled["components"] == source["components"]
