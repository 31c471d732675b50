import pytest


@pytest.fixture
def viewer_client(client, viewer):
    """A browser signed in as a Viewer, who reads every region's dashboards and reports."""
    client.force_login(viewer)
    return client
