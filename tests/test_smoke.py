from tests.factories import create_project, create_zone


def test_create_and_read(client):
    zone = create_zone(client)
    create_project(client, zone["id"], leased_ha=0.1)
    body = client.get(f"/api/v1/zones/{zone['id']}").json()
    assert body["leased_industrial_ha"] == 0.1
