class TestSmoke:
    def test_public_list_is_empty_array(self, client):
        response = client.get("/profiles")
        assert response.status_code == 200
        assert response.json() == []
