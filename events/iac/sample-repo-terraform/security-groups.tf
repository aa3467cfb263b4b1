# Every node of prod carries this group.
resource "aws_security_group" "nodes" {
  name        = "prod-nodes"
  description = "Worker nodes of EKS cluster prod"
  vpc_id      = "vpc-0a1b2c3d4e5f60718"

  # Load balancer health checks from inside the VPC.
  ingress {
    description = "health checks from the VPC"
    from_port   = 10256
    to_port     = 10256
    protocol    = "tcp"
    cidr_blocks = [var.office_cidr]
  }

  ingress {
    description = "temp ssh for debugging"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name = "prod-nodes"
  }
}

resource "aws_security_group_rule" "node_to_node" {
  type                     = "ingress"
  description              = "Node to node"
  from_port                = 0
  to_port                  = 0
  protocol                 = "-1"
  security_group_id        = aws_security_group.nodes.id
  source_security_group_id = aws_security_group.nodes.id
}
